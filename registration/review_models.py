"""The Secretariat's tables: the speakers list as ordered by hand, and reminders sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plenary.extensions import db
from plenary.models import User, UTCDateTime, utcnow


class SpeakerSlot(db.Model):
    """A delegation's place in the high-level segment's speakers list, once set by hand.

    While an event has no slot the list is ordered by level, then date of request; the first
    move writes a slot for every speaker. A later request joins after the slotted ones.
    """

    __tablename__ = "speaker_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    delegation_id: Mapped[int] = mapped_column(
        ForeignKey("delegation.id", ondelete="CASCADE"), unique=True
    )
    position: Mapped[int]
    # Why this delegation was last moved by hand (empty if it only moved along).
    reason: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (CheckConstraint("position > 0", name="position_positive"),)


class SpeakerMove(db.Model):
    """One move on the speakers list by a member of the Secretariat, with its reason."""

    __tablename__ = "speaker_move"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    from_position: Mapped[int]
    to_position: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)

    user: Mapped[User | None] = relationship()

    __table_args__ = (CheckConstraint("length(reason) > 0", name="reason_given"),)


class DelegationReminder(db.Model):
    """A reminder sent to a focal point whose delegation was left incomplete."""

    __tablename__ = "delegation_reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # "beat" or "cli" for the periodic job, a staff email for a bulk reminder.
    actor: Mapped[str] = mapped_column(String(200))
    missing: Mapped[list[str]] = mapped_column(JSON, default=list)
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL")
    )

    __table_args__ = (
        Index("ix_delegation_reminder_delegation_sent", "delegation_id", "sent_at"),
        UniqueConstraint("outbox_message_id"),
    )
