"""The registration area's tables: a delegation per State (or organisation) and event."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plenary.extensions import db
from plenary.models import Country, Event, Organisation, UTCDateTime, string_enum, utcnow


class DelegationState(enum.StrEnum):
    INVITED = "invited"
    INTERESTED = "interested"
    REGISTERED = "registered"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    CANCELLED = "cancelled"


ANSWERED_STATES = frozenset(
    {
        DelegationState.INTERESTED,
        DelegationState.REGISTERED,
        DelegationState.CONFIRMED,
        DelegationState.DECLINED,
    }
)


class HeadLevel(enum.StrEnum):
    HEAD_OF_STATE = "head_of_state"
    HEAD_OF_GOVERNMENT = "head_of_government"
    MINISTER = "minister"
    DEPUTY_MINISTER = "deputy_minister"
    AMBASSADOR = "ambassador"
    SENIOR_OFFICIAL = "senior_official"


class Delegation(db.Model):
    """One State's (or organisation's) participation in one event."""

    __tablename__ = "delegation"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    country_id: Mapped[int | None] = mapped_column(ForeignKey("country.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    state: Mapped[DelegationState] = mapped_column(
        string_enum(DelegationState), default=DelegationState.INVITED
    )
    head_level: Mapped[HeadLevel | None] = mapped_column(string_enum(HeadLevel))
    speaking_request: Mapped[bool] = mapped_column(default=False)
    focal_point_name: Mapped[str] = mapped_column(String(200), default="")
    focal_point_email: Mapped[str] = mapped_column(String(254), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    country: Mapped[Country | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    __table_args__ = (
        UniqueConstraint("event_id", "country_id"),
        UniqueConstraint("event_id", "organisation_id"),
        CheckConstraint(
            "(country_id IS NULL) <> (organisation_id IS NULL)", name="country_or_organisation"
        ),
    )

    @property
    def answered(self) -> bool:
        return self.state in ANSWERED_STATES
