"""The inquiries area's tables: threads, their messages, stored files, canned answers."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plenary.extensions import db
from plenary.models import Event, StoredFile, User, UTCDateTime, string_enum, utcnow


class InquiryState(enum.StrEnum):
    NEW = "new"
    OPEN = "open"
    CLOSED = "closed"
    MERGED = "merged"


class Category(enum.StrEnum):
    REGISTRATION = "registration"
    PROGRAMME = "programme"
    LOGISTICS = "logistics"
    MEDIA = "media"
    CONTRIBUTIONS = "contributions"
    OTHER = "other"


class Direction(enum.StrEnum):
    IN = "in"
    OUT = "out"
    NOTE = "note"


class Source(enum.StrEnum):
    FORM = "form"
    MAIL = "mail"
    STAFF = "staff"
    SYSTEM = "system"


class Inquiry(db.Model):
    """A thread: one question from one sender, with every message in and out."""

    __tablename__ = "inquiry"

    id: Mapped[int] = mapped_column(primary_key=True)
    # INQ-2026-000123, set in the transaction that creates the row.
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), index=True)
    sender_name: Mapped[str] = mapped_column(String(200), default="")
    sender_email: Mapped[str] = mapped_column(String(254), index=True)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    country_code: Mapped[str] = mapped_column(String(2), default="")
    language: Mapped[str] = mapped_column(String(2), default="en", index=True)
    category: Mapped[Category] = mapped_column(string_enum(Category), default=Category.OTHER)
    subject: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[InquiryState] = mapped_column(
        string_enum(InquiryState), default=InquiryState.NEW, index=True
    )
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("inquiry.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event | None] = relationship()
    assignee: Mapped[User | None] = relationship()
    messages: Mapped[list[InquiryMessage]] = relationship(
        back_populates="inquiry", order_by="InquiryMessage.id"
    )


inquiry_message_file = Table(
    "inquiry_message_file",
    db.metadata,
    Column(
        "message_id",
        ForeignKey("inquiry_message.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("file_id", ForeignKey("stored_file.id", ondelete="CASCADE"), primary_key=True),
)


class InquiryMessage(db.Model):
    """A message of a thread: received, sent by the Secretariat, or an internal note."""

    __tablename__ = "inquiry_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiry.id"), index=True)
    direction: Mapped[Direction] = mapped_column(string_enum(Direction))
    source: Mapped[Source] = mapped_column(string_enum(Source))
    # The RFC 5322 Message-ID: the key that keeps a message from being ingested twice.
    message_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    in_reply_to: Mapped[str] = mapped_column(String(255), default="")
    references: Mapped[list[str]] = mapped_column(JSON, default=list)
    mailbox: Mapped[str | None] = mapped_column(String(300))
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    uid: Mapped[int | None] = mapped_column(BigInteger)
    sender_name: Mapped[str] = mapped_column(String(200), default="")
    sender_email: Mapped[str] = mapped_column(String(254), default="")
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(String(998), default="")
    text_body: Mapped[str] = mapped_column(Text, default="")
    html_body: Mapped[str | None] = mapped_column(Text)
    # Why nobody was answered automatically: "auto-submitted: auto-replied", "bounce", ...
    automatic: Mapped[str | None] = mapped_column(String(120))
    # What could not be read: unknown charsets, malformed MIME, cuts to the limits.
    problems: Mapped[list[str]] = mapped_column(JSON, default=list)
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL")
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    inquiry: Mapped[Inquiry] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()
    files: Mapped[list[StoredFile]] = relationship(secondary=inquiry_message_file)

    __table_args__ = (
        UniqueConstraint("mailbox", "uidvalidity", "uid"),
        Index("ix_inquiry_message_in_reply_to", "in_reply_to"),
    )


class MailboxCursor(db.Model):
    """How far one IMAP folder has been read: its UIDVALIDITY and the last UID ingested."""

    __tablename__ = "mailbox_cursor"

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(300))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("mailbox", "uidvalidity"),)


class Acknowledgement(db.Model):
    """One automatic acknowledgement per sender and day: the row that enforces it."""

    __tablename__ = "inquiry_acknowledgement"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_email: Mapped[str] = mapped_column(String(254))
    day: Mapped[date] = mapped_column(Date)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiry.id"))

    __table_args__ = (UniqueConstraint("sender_email", "day"),)


class CannedAnswer(db.Model):
    """A prepared answer, with merge fields, in one language."""

    __tablename__ = "canned_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2), default="en", index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CategoryRoute(db.Model):
    """The staff member new inquiries of a category go to."""

    __tablename__ = "inquiry_category_route"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[Category] = mapped_column(string_enum(Category), unique=True)
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    assignee: Mapped[User | None] = relationship()
