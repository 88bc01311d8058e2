"""Plain functions over events and registrations; callers commit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from plenary import audit
from plenary.extensions import db
from plenary.models import Event, utcnow

from .models import Delegation, HeadLevel


def current_event(today: date | None = None) -> Event | None:
    """The published event that is next or under way; failing that, the latest one held.

    Demo events (seeded so that registration can be tried) are not the site's event: the home
    page points to them separately (open_demo_events).
    """
    today = today or utcnow().date()
    options = (selectinload(Event.sessions), selectinload(Event.linked_events))
    upcoming = db.session.scalar(
        select(Event)
        .where(Event.published, ~Event.demo, Event.ends_on >= today)
        .order_by(Event.starts_on)
        .options(*options)
        .limit(1)
    )
    if upcoming is not None:
        return upcoming
    return db.session.scalar(
        select(Event)
        .where(Event.published, ~Event.demo)
        .order_by(Event.ends_on.desc())
        .options(*options)
        .limit(1)
    )


def open_demo_events() -> list[Event]:
    """Published demo events whose registration is open now."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(Event)
            .where(
                Event.published,
                Event.demo,
                (Event.registration_opens_at.is_(None)) | (Event.registration_opens_at <= now),
                (Event.registration_closes_at.is_(None)) | (Event.registration_closes_at > now),
            )
            .order_by(Event.starts_on)
        )
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
    return event.published and (opens is None or opens <= now) and (closes is None or now < closes)


def delegation_for(event: Event, country_id: int | None, organisation_id: int | None) -> Delegation:
    """The delegation of a State (or organisation) to an event, created on first use."""
    query = select(Delegation).where(Delegation.event_id == event.id)
    if country_id is not None:
        query = query.where(Delegation.country_id == country_id)
    else:
        query = query.where(Delegation.organisation_id == organisation_id)
    delegation = db.session.scalar(query.with_for_update())
    if delegation is None:
        delegation = Delegation(event=event, country_id=country_id, organisation_id=organisation_id)
        db.session.add(delegation)
        db.session.flush()
    return delegation


def record_answer(delegation: Delegation, *, participates: bool, actor: str, **details) -> None:
    """The focal point's answer: the State will take part (and how), or declines."""
    delegation.participates = participates
    if participates:
        delegation.head_level = HeadLevel(details["head_level"])
        delegation.speaking_request = bool(details.get("speaking_request"))
        delegation.focal_point_name = (details.get("focal_point_name") or "").strip()
        delegation.focal_point_email = (details.get("focal_point_email") or "").strip().lower()
    else:
        delegation.head_level = None
        delegation.speaking_request = False
    delegation.comment = (details.get("comment") or "").strip()
    delegation.answered_at = utcnow()
    audit.record(
        "delegation.answer", delegation, actor=actor, state=str(delegation.state),
        head_level=details.get("head_level") or None,
    )  # fmt: skip
