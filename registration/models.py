"""The registration area's tables: delegations, delegates, their changes, side-event places, files.

States (see docs in notes/REG_MODELS.md):

- a delegation's *intent* (`participates`: None until answered, True or False) is separate from
  its registration *state*: draft -> submitted -> approved | rejected, and cancelled from any;
- a delegate is `requested` when they registered themselves and wait for their focal point,
  `pending` once in the delegation and waiting for the Secretariat, then approved, rejected or
  cancelled. Only pending and approved delegates count against the delegation size limit.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plenary.extensions import db
from plenary.models import (
    Country,
    Event,
    EventSession,
    Organisation,
    StoredFile,
    User,
    UTCDateTime,
    string_enum,
    utcnow,
)


class DelegationState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class HeadLevel(enum.StrEnum):
    """The level of the head of delegation, highest first (the speakers list orders by it)."""

    HEAD_OF_STATE = "head_of_state"
    HEAD_OF_GOVERNMENT = "head_of_government"
    VICE_PRESIDENT = "vice_president"
    MINISTER = "minister"
    VICE_MINISTER = "vice_minister"
    PERMANENT_REPRESENTATIVE = "permanent_representative"
    SENIOR_OFFICIAL = "senior_official"

    @property
    def rank(self) -> int:
        return list(HeadLevel).index(self)


class Delegation(db.Model):
    """One State's (or organisation's) participation in one event."""

    __tablename__ = "delegation"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    country_id: Mapped[int | None] = mapped_column(ForeignKey("country.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))

    # The intent: None until the focal point answers.
    participates: Mapped[bool | None]
    head_level: Mapped[HeadLevel | None] = mapped_column(string_enum(HeadLevel, length=30))
    speaking_request: Mapped[bool] = mapped_column(default=False)
    speaking_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    panel_interest: Mapped[bool] = mapped_column(default=False)
    networking_interest: Mapped[bool] = mapped_column(default=False)
    contribution_offer: Mapped[bool] = mapped_column(default=False)
    contribution_note: Mapped[str] = mapped_column(Text, default="")
    public_list_consent: Mapped[bool] = mapped_column(default=False)
    focal_point_name: Mapped[str] = mapped_column(String(200), default="")
    focal_point_email: Mapped[str] = mapped_column(String(254), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Which office answered last (a State's administration and its mission share one answer).
    answered_by_addressee_id: Mapped[int | None] = mapped_column(
        ForeignKey("addressee.id", ondelete="SET NULL")
    )

    # The registration.
    state: Mapped[DelegationState] = mapped_column(
        string_enum(DelegationState), default=DelegationState.DRAFT, index=True
    )
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    note_verbale_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_file.id", ondelete="SET NULL")
    )
    # Pending and approved delegates, kept by the operations with a conditional UPDATE so that
    # concurrent additions never pass the event's size limit.
    delegate_count: Mapped[int] = mapped_column(default=0)
    # Raised on every saved change; a form posted against an older version is refused.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    country: Mapped[Country | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    decided_by: Mapped[User | None] = relationship()
    note_verbale: Mapped[StoredFile | None] = relationship()
    delegates: Mapped[list[Delegate]] = relationship(
        back_populates="delegation", order_by="Delegate.id", cascade="all, delete-orphan"
    )
    changes: Mapped[list[DelegationChange]] = relationship(
        back_populates="delegation",
        order_by="DelegationChange.id",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        UniqueConstraint("event_id", "country_id"),
        UniqueConstraint("event_id", "organisation_id"),
        CheckConstraint(
            "(country_id IS NULL) <> (organisation_id IS NULL)", name="country_or_organisation"
        ),
        CheckConstraint("delegate_count >= 0", name="delegate_count_not_negative"),
    )

    @property
    def answered(self) -> bool:
        return self.participates is not None

    def party_name(self, language: str | None = None) -> str:
        if self.country is not None:
            return self.country.name(language)
        return self.organisation.name(language) if self.organisation is not None else ""

    @property
    def party_code(self) -> str:
        if self.country is not None:
            return self.country.code
        return self.organisation.acronym if self.organisation is not None else ""

    @property
    def active_delegates(self) -> list[Delegate]:
        return [d for d in self.delegates if d.state in COUNTED_DELEGATE_STATES]

    @property
    def requested_delegates(self) -> list[Delegate]:
        return [d for d in self.delegates if d.state == DelegateState.REQUESTED]


class DelegateRole(enum.StrEnum):
    HEAD = "head"
    DEPUTY = "deputy"
    MEMBER = "member"
    ADVISER = "adviser"


class Attendance(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"


class DelegateState(enum.StrEnum):
    REQUESTED = "requested"  # registered themselves; waits for the focal point
    PENDING = "pending"  # in the delegation; waits for the Secretariat
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


COUNTED_DELEGATE_STATES = frozenset({DelegateState.PENDING, DelegateState.APPROVED})
# A person holds their email for an event while in one of these states.
LIVE_DELEGATE_STATES = ("requested", "pending", "approved")
# Personal: the records of a change say these changed, never what they were or are.
PRIVATE_DELEGATE_FIELDS = frozenset(
    {"nationality", "passport_number", "passport_expires_on", "date_of_birth"}
)
_LIVE = "state IN ('requested', 'pending', 'approved')"


class Delegate(db.Model):
    """A person in a delegation."""

    __tablename__ = "delegate"

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(
        ForeignKey("delegation.id", ondelete="CASCADE"), index=True
    )
    # Copied from the delegation so that the database can hold one registration per email.
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    honorific: Mapped[str] = mapped_column(String(60), default="")
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    function: Mapped[str] = mapped_column(String(200), default="")
    institution: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(2), default="en")
    role: Mapped[DelegateRole] = mapped_column(
        string_enum(DelegateRole), default=DelegateRole.MEMBER
    )
    # ISO dates of the event's days the person attends.
    days: Mapped[list[str]] = mapped_column(JSON, default=list)
    attendance: Mapped[Attendance] = mapped_column(
        string_enum(Attendance), default=Attendance.IN_PERSON
    )
    accessibility_needs: Mapped[str] = mapped_column(Text, default="")
    visa_letter_needed: Mapped[bool] = mapped_column(default=False)
    # For the visa support letter only; purged after the event with the photograph.
    nationality: Mapped[str] = mapped_column(String(100), default="")
    passport_number: Mapped[str] = mapped_column(String(40), default="")
    passport_expires_on: Mapped[date | None] = mapped_column(Date)
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id", ondelete="SET NULL"))

    state: Mapped[DelegateState] = mapped_column(
        string_enum(DelegateState), default=DelegateState.PENDING, index=True
    )
    self_registered: Mapped[bool] = mapped_column(default=False)
    badge_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # by the focal point
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    delegation: Mapped[Delegation] = relationship(back_populates="delegates")
    photo: Mapped[StoredFile | None] = relationship()
    side_event_places: Mapped[list[SideEventPlace]] = relationship(
        back_populates="delegate", cascade="all, delete-orphan"
    )

    __table_args__ = (
        # One registration per email and event, among the people still registered.
        Index(
            "uq_delegate_live_email",
            "event_id",
            "email",
            unique=True,
            sqlite_where=text(_LIVE),
            postgresql_where=text(_LIVE),
        ),
        # One head per delegation.
        Index(
            "uq_delegate_one_head",
            "delegation_id",
            unique=True,
            sqlite_where=text(f"role = 'head' AND {_LIVE}"),
            postgresql_where=text(f"role = 'head' AND {_LIVE}"),
        ),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
    )

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.honorific, self.full_name) if part)

    @property
    def counted(self) -> bool:
        return self.state in COUNTED_DELEGATE_STATES


class DelegationChange(db.Model):
    """A change a delegation underwent after it was submitted: who, when, what (old and new)."""

    __tablename__ = "delegation_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(
        ForeignKey("delegation.id", ondelete="CASCADE"), index=True
    )
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("delegate.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(200))
    # "intent", "delegate.add", "delegate.edit", "delegate.cancel", "note_verbale", ...
    what: Mapped[str] = mapped_column(String(60))
    # {field: [old, new]}; for an added or removed delegate, their name.
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    # Set when the change confirmation went to the focal point (registration.notify).
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    delegation: Mapped[Delegation] = relationship(back_populates="changes")
    delegate: Mapped[Delegate | None] = relationship()
    user: Mapped[User | None] = relationship()


class PlaceState(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class SideEventPlace(db.Model):
    """A delegate's place at a side event (a session with a capacity), or their turn in line."""

    __tablename__ = "side_event_place"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("event_session.id", ondelete="CASCADE"), index=True
    )
    delegate_id: Mapped[int] = mapped_column(ForeignKey("delegate.id", ondelete="CASCADE"))
    state: Mapped[PlaceState] = mapped_column(string_enum(PlaceState))
    # The waiting list is served in order of request (then id, for requests in one instant).
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[EventSession] = relationship()
    delegate: Mapped[Delegate] = relationship(back_populates="side_event_places")

    __table_args__ = (
        UniqueConstraint("session_id", "delegate_id"),
        Index("ix_side_event_place_queue", "session_id", "state", "requested_at"),
    )
