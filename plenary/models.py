"""Tables shared by every area: users, countries, events, the outbox and the audit log."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    false,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from .extensions import db
from .i18n import current_language, pick


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_values(enum_class: type[enum.Enum]) -> list[str]:
    return [member.value for member in enum_class]


def string_enum(enum_class: type[enum.StrEnum], length: int = 20) -> db.Enum:
    """A portable enum column: a VARCHAR with a CHECK constraint, storing the values."""
    return db.Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=enum_values,
        validate_strings=True,
        create_constraint=True,
        name=enum_class.__name__.lower(),
    )


class Role(enum.StrEnum):
    ADMIN = "admin"
    STAFF = "staff"


class User(UserMixin, db.Model):
    """A member of the Secretariat who signs in with a password."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(string_enum(Role), default=Role.STAFF)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(String(2), default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the id kept in the session cookie: raising it ends every session of the user.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class Country(db.Model):
    """A Member State, named in the six UN languages."""

    __tablename__ = "country"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(2), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON)
    region: Mapped[str] = mapped_column(String(20), index=True)
    member_state: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (CheckConstraint("length(code) = 2", name="code_two_letters"),)

    def name(self, language: str | None = None) -> str:
        return pick(self.names, language)

    def __repr__(self) -> str:
        return f"<Country {self.code}>"


class Organisation(db.Model):
    """An intergovernmental organisation or observer (EU, OAPI, ARIPO, ...)."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    acronym: Mapped[str] = mapped_column(String(30), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON)

    def name(self, language: str | None = None) -> str:
        return pick(self.names, language)


class Event(db.Model):
    """A meeting that circulars invite to and delegations register for."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    description: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    venue: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    # The venue and city in the other languages, where they are written otherwise:
    # {"fr": "Genève", "zh": "日内瓦"}. venue and city above are the fallback.
    venues: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    cities: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    country_code: Mapped[str] = mapped_column(String(2), default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    max_delegation_size: Mapped[int | None]
    inquiry_email: Mapped[str] = mapped_column(String(254), default="")
    contributions_email: Mapped[str] = mapped_column(String(254), default="")
    published: Mapped[bool] = mapped_column(default=True)
    # Seeded for the demo (an event open on the day it is seeded), so that it can be told apart.
    demo: Mapped[bool] = mapped_column(default=False)

    sessions: Mapped[list[EventSession]] = relationship(
        back_populates="event", order_by="EventSession.starts_at", cascade="all, delete-orphan"
    )
    linked_events: Mapped[list[LinkedEvent]] = relationship(
        back_populates="event", order_by="LinkedEvent.starts_on", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint(
            "max_delegation_size IS NULL OR max_delegation_size > 0", name="positive_size"
        ),
    )

    def title_in(self, language: str | None = None) -> str:
        return pick(self.title, language)

    def description_in(self, language: str | None = None) -> str:
        return pick(self.description, language)

    def venue_in(self, language: str | None = None) -> str:
        return (self.venues or {}).get(language or current_language()) or self.venue

    def city_in(self, language: str | None = None) -> str:
        return (self.cities or {}).get(language or current_language()) or self.city

    def place_in(self, language: str | None = None) -> str:
        """'Palexpo, Genève': the venue and city in the language, else as first written."""
        return ", ".join(part for part in (self.venue_in(language), self.city_in(language)) if part)

    def days(self) -> list[date]:
        """Every day from the first to the last, for the days a delegate attends."""
        return [
            self.starts_on + timedelta(days=offset)
            for offset in range((self.ends_on - self.starts_on).days + 1)
        ]


class SessionKind(enum.StrEnum):
    HIGH_LEVEL = "high_level"
    PANEL = "panel"
    NETWORKING = "networking"
    CEREMONY = "ceremony"


class EventSession(db.Model):
    """A part of an event's programme: the high-level segment, a thematic panel, a reception."""

    __tablename__ = "event_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SessionKind] = mapped_column(string_enum(SessionKind))
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room: Mapped[str] = mapped_column(String(100), default="")
    # Side events delegates sign up for: places, and the places taken (registration's counter).
    capacity: Mapped[int | None]
    places_taken: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="sessions")

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="positive_capacity"),
        CheckConstraint(
            "places_taken >= 0 AND (capacity IS NULL OR places_taken <= capacity)",
            name="places_within_capacity",
        ),
    )

    def title_in(self, language: str | None = None) -> str:
        return pick(self.title, language)


class LinkedEvent(db.Model):
    """An event held alongside, such as the AI for Good Global Summit."""

    __tablename__ = "linked_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    url: Mapped[str] = mapped_column(String(500), default="")

    event: Mapped[Event] = relationship(back_populates="linked_events")

    def title_in(self, language: str | None = None) -> str:
        return pick(self.title, language)


class OutboxState(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    # Interrupted inside the SMTP conversation: it may have been delivered; a person decides.
    UNCERTAIN = "uncertain"


class OutboxPhase(enum.StrEnum):
    """Where a claimed message is: being built, or handed to the SMTP server."""

    PREPARING = "preparing"
    TRANSMITTING = "transmitting"


class OutboxMessage(db.Model):
    """An email the system sends, written in the transaction that causes it."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    # What the message is about, as "table:id", so areas can follow up their own mail.
    subject_ref: Mapped[str | None] = mapped_column(String(80), index=True)
    sender: Mapped[str] = mapped_column(String(320))
    recipients: Mapped[list[str]] = mapped_column(JSON)
    reply_to: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(998))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    language: Mapped[str] = mapped_column(String(2), default="en")
    state: Mapped[OutboxState] = mapped_column(
        string_enum(OutboxState), default=OutboxState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The body holds a secret (a personal or sign-in link): staff may not read it.
    carries_secret: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Set with each claim; every later change is conditional on it, so a stalled worker
    # that wakes up after its claim was taken over changes nothing.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    phase: Mapped[OutboxPhase | None] = mapped_column(string_enum(OutboxPhase))
    # Bulk mail (circulars, reminders) shares one send rate and pauses with the breaker.
    bulk: Mapped[bool] = mapped_column(default=False)

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="OutboxAttachment.id"
    )

    __table_args__ = (
        Index("ix_outbox_message_state_next_attempt_at", "state", "next_attempt_at"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.state}>"


class OutboxGate(db.Model):
    """One row per lane of outgoing mail: its send rate, its failure count, its pause."""

    __tablename__ = "outbox_gate"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    # The next free sending slot, in seconds since the epoch (a float works on every database).
    next_slot: Mapped[float] = mapped_column(default=0.0)
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class OutboxAttachment(db.Model):
    """A file sent with an outbox message: stored bytes, or a renderer named with its arguments.

    A rendered attachment (a personalised PDF letter) is produced by the worker at sending
    time, so that a circular to a thousand addressees does not store a thousand PDFs.
    """

    __tablename__ = "outbox_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    renderer: Mapped[str | None] = mapped_column(String(80))
    arguments: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")

    __table_args__ = (
        CheckConstraint("(data IS NULL) <> (renderer IS NULL)", name="either_data_or_renderer"),
    )


class AuditEntry(db.Model):
    """Who did what to which record, and when."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # Who acted when it was not a signed-in user: "focal point (FR)", "system", "cli".
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str | None] = mapped_column(String(60))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    remote_addr: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_audit_entry_object", "object_type", "object_id"),)


class StoredFile(db.Model):
    """A file kept in the database (an upload, an attachment), so no web host needs a shared disk.

    Always served as a download, never inline.
    """

    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    # The original size, before any cut to a configured limit.
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # Deferred: listing a delegation must not load its photographs.
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Who uploaded it, as the audit log names actors: "focal point (FR)", a staff email.
    uploaded_by: Mapped[str] = mapped_column(String(200), default="")
    # Cut to a configured size limit (a received attachment); the rest was dropped.
    truncated: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        CheckConstraint("size >= 0", name="size_not_negative"),
        CheckConstraint("length(sha256) = 64", name="sha256_hex"),
    )


class TemporaryFile(db.Model):
    """A file kept between two requests (an import's preview and its confirmation), in the
    database so that any web host sees it; deleted when it expires."""

    __tablename__ = "temporary_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The random name the signed token carries: ids would be guessable.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(60))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    __table_args__ = (CheckConstraint("size >= 0", name="size_not_negative"),)
