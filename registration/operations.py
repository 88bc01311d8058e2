"""Plain functions over events and registrations; callers commit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from plenary.extensions import db
from plenary.models import Event, utcnow


def current_event(today: date | None = None) -> Event | None:
    """The published event that is next or under way; failing that, the latest one held."""
    today = today or utcnow().date()
    options = (selectinload(Event.sessions), selectinload(Event.linked_events))
    upcoming = db.session.scalar(
        select(Event)
        .where(Event.published, Event.ends_on >= today)
        .order_by(Event.starts_on)
        .options(*options)
        .limit(1)
    )
    if upcoming is not None:
        return upcoming
    return db.session.scalar(
        select(Event)
        .where(Event.published)
        .order_by(Event.ends_on.desc())
        .options(*options)
        .limit(1)
    )


def event_by_slug(slug: str) -> Event | None:
    return db.session.scalar(
        select(Event)
        .where(Event.slug == slug, Event.published)
        .options(selectinload(Event.sessions), selectinload(Event.linked_events))
    )


def registration_is_open(event: Event) -> bool:
    now = utcnow()
    opens, closes = event.registration_opens_at, event.registration_closes_at
    return (opens is None or opens <= now) and (closes is None or now < closes)
