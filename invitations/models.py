"""The invitations area's tables: addressees, circulars with their annexes, invitations."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Column, Date, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plenary.extensions import db
from plenary.i18n import LANGUAGES, pick
from plenary.models import (
    Country,
    Event,
    Organisation,
    OutboxMessage,
    User,
    UTCDateTime,
    string_enum,
    utcnow,
)


class AddresseeKind(enum.StrEnum):
    ADMINISTRATION = "administration"
    MISSION = "mission"
    ORGANISATION = "organisation"


class Addressee(db.Model):
    """Who a circular goes to: a State's administration, a Permanent Mission, an organisation."""

    __tablename__ = "addressee"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AddresseeKind] = mapped_column(string_enum(AddresseeKind), index=True)
    country_id: Mapped[int | None] = mapped_column(ForeignKey("country.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    honorific: Mapped[str] = mapped_column(String(120), default="")
    full_name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(300), default="")
    # The first address receives the circular; the others are copied.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    other_emails: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(2), default="en")
    city: Mapped[str] = mapped_column(String(120), default="")
    # The ministry or Permanent Mission; for an organisation, a department of it or nothing.
    institution: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # The name, title, institution and city in other languages: {"title": {"ar": "..."}}.
    localised: Mapped[dict[str, dict[str, str]]] = mapped_column(
        JSON, default=dict, server_default="{}"
    )
    active: Mapped[bool] = mapped_column(default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    country: Mapped[Country | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    __table_args__ = (
        CheckConstraint(
            "(kind = 'organisation') = (organisation_id IS NOT NULL)", name="organisation_iff_kind"
        ),
        CheckConstraint(
            "kind = 'organisation' OR country_id IS NOT NULL", name="state_has_country"
        ),
        CheckConstraint("language IN ('ar', 'zh', 'en', 'fr', 'ru', 'es')", name="un_language"),
    )

    @property
    def reachable(self) -> bool:
        return bool(self.email)

    @property
    def recipients(self) -> list[str]:
        return [self.email, *self.other_emails] if self.email else []

    def text(self, field: str, language: str) -> str:
        """A field in a language, where the directory has it, else as entered (in English)."""
        return (self.localised or {}).get(field, {}).get(language) or getattr(self, field)

    def party_name(self, language: str | None = None) -> str:
        """The State or organisation this addressee speaks for."""
        # A State's office has no organisation: it skips the lazy load that would find none.
        may_have_one = self.organisation_id is not None or self.country_id is None
        if may_have_one and self.organisation is not None:
            return self.organisation.name(language)
        return self.country.name(language) if self.country is not None else ""

    def __repr__(self) -> str:
        return f"<Addressee {self.id} {self.kind} {self.email}>"


class CircularState(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    SENDING = "sending"
    SENT = "sent"


circular_addressee = Table(
    "circular_addressee",
    db.metadata,
    Column("circular_id", ForeignKey("circular.id", ondelete="CASCADE"), primary_key=True),
    Column("addressee_id", ForeignKey("addressee.id", ondelete="CASCADE"), primary_key=True),
)


class Circular(db.Model):
    """A circular letter such as CL-26/22, written in one or more of the six languages."""

    __tablename__ = "circular"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    issued_on: Mapped[date] = mapped_column(Date)
    place: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    sender_unit: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The "To:" block as printed on the letter, one line per audience.
    addressed_to: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    subject: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    salutation: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    body: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    closing: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    # The contact's and the signatory's names as each language writes them ("Дорин Богдан-Мартин").
    contact_names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    signatory_names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    signatory_title: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # Audience: kinds and regions resolved at sending time, or the hand-picked addressees.
    audience_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    audience_regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    hand_picked: Mapped[bool] = mapped_column(default=False)
    state: Mapped[CircularState] = mapped_column(
        string_enum(CircularState), default=CircularState.DRAFT
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    annexes: Mapped[list[Annex]] = relationship(
        back_populates="circular", order_by="Annex.position", cascade="all, delete-orphan"
    )
    picked_addressees: Mapped[list[Addressee]] = relationship(secondary=circular_addressee)

    @property
    def languages(self) -> list[str]:
        """The languages in which the circular has both a subject and a body."""
        return [code for code in LANGUAGES if self.subject.get(code) and self.body.get(code)]

    @property
    def editable(self) -> bool:
        return self.state == CircularState.DRAFT

    def text(self, field: str, language: str) -> str:
        return pick(getattr(self, field), language)

    def name_in(self, field: str, language: str) -> str:
        """The contact's or signatory's name in a language, else as entered."""
        return (getattr(self, f"{field}s") or {}).get(language) or getattr(self, field)

    def __repr__(self) -> str:
        return f"<Circular {self.reference} {self.state}>"


class Annex(db.Model):
    """A document attached to a circular, on its own page; its text may hold merge fields."""

    __tablename__ = "annex"

    id: Mapped[int] = mapped_column(primary_key=True)
    circular_id: Mapped[int] = mapped_column(
        ForeignKey("circular.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=1)
    title: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    body: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    address_block: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    circular: Mapped[Circular] = relationship(back_populates="annexes")

    def text(self, field: str, language: str) -> str:
        return pick(getattr(self, field), language)


class Invitation(db.Model):
    """One circular sent to one addressee, and what became of it."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    circular_id: Mapped[int] = mapped_column(
        ForeignKey("circular.id", ondelete="CASCADE"), index=True
    )
    addressee_id: Mapped[int] = mapped_column(ForeignKey("addressee.id"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id"))
    # Set when the addressee had no usable email at sending time.
    unreachable: Mapped[bool] = mapped_column(default=False)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    open_count: Mapped[int] = mapped_column(default=0)
    reminder_count: Mapped[int] = mapped_column(default=0)
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    # The personal link carries this number: reissuing a link raises it, so older links stop.
    link_version: Mapped[int] = mapped_column(default=1)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    circular: Mapped[Circular] = relationship()
    addressee: Mapped[Addressee] = relationship()
    outbox_message: Mapped[OutboxMessage | None] = relationship()

    __table_args__ = (db.UniqueConstraint("circular_id", "addressee_id"),)
