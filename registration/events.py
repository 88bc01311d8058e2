"""The Secretariat's editing of events: their details, programme sessions and linked events.

Operations take plain details (the forms build them), change the session, write the audit
entry and leave the commit to their caller.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from plenary import audit
from plenary.extensions import db
from plenary.i18n import lazy_gettext as _l
from plenary.models import Event, EventSession, LinkedEvent, SessionKind, User

from . import side_events

DEFAULT_TIMEZONE = "Europe/Zurich"


class EventError(Exception):
    """A refusal to be shown next to one field of the form."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def attach(self, form: Any) -> None:
        getattr(form, self.field).errors.append(self.message)


class SlugTaken(EventError):
    def __init__(self) -> None:
        super().__init__("slug", str(_l("Another event already has this short name.")))


class EventInUse(Exception):
    """The event has circulars or delegations, which must not lose their event."""


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped when the clocks move forward."""


# --- time in the event's zone ---------------------------------------------------------------


def local_to_utc(value: datetime, timezone: str) -> datetime:
    """A wall-clock time in the event's zone as a UTC instant."""
    zone = ZoneInfo(timezone)
    instant = value.replace(tzinfo=zone).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != value:
        raise NonexistentLocalTime(value)
    return instant


def utc_to_local(value: datetime | None, timezone: str) -> datetime | None:
    """A UTC instant as the wall-clock time of the event's zone (naive, as forms show it)."""
    if value is None:
        return None
    return value.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


# --- details, as the forms give them --------------------------------------------------------


@dataclass
class EventDetails:
    slug: str
    title: dict[str, str]
    description: dict[str, str]
    venue: str
    city: str
    country_code: str
    starts_on: date
    ends_on: date
    timezone: str
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    max_delegation_size: int | None
    inquiry_email: str
    contributions_email: str
    published: bool
    venues: dict[str, str] = field(default_factory=dict)
    cities: dict[str, str] = field(default_factory=dict)


@dataclass
class SessionDetails:
    kind: SessionKind
    title: dict[str, str]
    starts_at: datetime
    ends_at: datetime
    room: str
    capacity: int | None = None


@dataclass
class LinkedEventDetails:
    title: dict[str, str]
    starts_on: date
    ends_on: date
    url: str


def _plain(value: Any) -> Any:
    """A value as the audit log's JSON can hold it."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _apply(record: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the values that differ; return them as {field: [old, new]}."""
    changes = {}
    for name, new in values.items():
        old = getattr(record, name)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
            setattr(record, name, new)
    return changes


# --- events ---------------------------------------------------------------------------------


def all_events() -> list[Event]:
    """Every event, the latest first."""
    return list(db.session.scalars(select(Event).order_by(Event.starts_on.desc(), Event.id)))


def event_for_editing(event_id: int) -> Event | None:
    """An event with its programme and linked events loaded, read afresh from the database."""
    return db.session.get(
        Event,
        event_id,
        options=[selectinload(Event.sessions), selectinload(Event.linked_events)],
        populate_existing=True,
    )


def _check_slug_free(slug: str, event_id: int | None) -> None:
    query = select(Event.id).where(Event.slug == slug)
    if event_id is not None:
        query = query.where(Event.id != event_id)
    if db.session.scalar(query) is not None:
        raise SlugTaken


def _flush_or_slug_taken() -> None:
    """Flush; if the database's unique slug refuses, undo everything and say so."""
    try:
        db.session.flush()
    except IntegrityError as error:
        # The check before the flush missed a concurrent save: nothing is kept half-saved.
        db.session.rollback()
        if "slug" in str(error.orig).lower():
            raise SlugTaken from error
        raise


def create_event(details: EventDetails, user: User) -> Event:
    """A new event from the Secretariat's form."""
    _check_slug_free(details.slug, None)
    event = Event(**asdict(details))
    db.session.add(event)
    _flush_or_slug_taken()
    audit.record("event.create", event, user=user, slug=event.slug)
    return event


def _programme_in_zone(
    event: Event, new_zone: str
) -> list[tuple[EventSession, datetime, datetime]]:
    """The sessions' times in a corrected time zone, keeping their wall-clock times as the
    form keeps the registration window's."""
    try:
        return [
            (
                item,
                local_to_utc(utc_to_local(item.starts_at, event.timezone), new_zone),
                local_to_utc(utc_to_local(item.ends_at, event.timezone), new_zone),
            )
            for item in event.sessions
        ]
    except NonexistentLocalTime as error:
        message = _l(
            "A session of the programme would fall in the hour skipped when the clocks "
            "move forward in this time zone."
        )
        raise EventError("timezone", str(message)) from error


def _check_programme_within(event: Event, starts_on: date, ends_on: date) -> None:
    for item in event.sessions:
        if utc_to_local(item.starts_at, event.timezone).date() < starts_on:
            message = _l("The programme has sessions before this day; move them first.")
            raise EventError("starts_on", str(message))
        if utc_to_local(item.ends_at, event.timezone).date() > ends_on:
            message = _l("The programme has sessions after this day; move them first.")
            raise EventError("ends_on", str(message))


def update_event(event: Event, details: EventDetails, user: User) -> dict[str, list[Any]]:
    """Save the Secretariat's form into an event; returns what changed."""
    _check_slug_free(details.slug, event.id)
    _check_programme_within(event, details.starts_on, details.ends_on)
    moved = (
        _programme_in_zone(event, details.timezone) if details.timezone != event.timezone else []
    )
    changes = _apply(event, asdict(details))
    for item, starts_at, ends_at in moved:
        item.starts_at, item.ends_at = starts_at, ends_at
    _flush_or_slug_taken()
    if changes:
        audit.record("event.edit", event, user=user, fields=sorted(changes), changes=changes)
    return changes


def _records_naming(event: Event) -> int:
    """How many records of any area (circulars, delegations, ...) refer to the event.

    Read from the tables' foreign keys, so that the core need not know the areas' models.
    The programme and the linked events are not counted: they go with the event.
    """
    count = 0
    for table in db.metadata.tables.values():
        for key in table.foreign_keys:
            if key.column.table.name == Event.__tablename__ and key.ondelete != "CASCADE":
                query = select(func.count()).select_from(table).where(key.parent == event.id)
                count += db.session.scalar(query) or 0
    return count


def delete_event(event: Event, user: User) -> None:
    """Delete an event no circular or delegation refers to, with its programme."""
    if _records_naming(event):
        raise EventInUse
    audit.record("event.delete", event, user=user, slug=event.slug, title=event.title)
    db.session.delete(event)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise EventInUse from error


# --- the programme --------------------------------------------------------------------------


def _save_part(
    event: Event, item: EventSession | LinkedEvent, details: dict, noun: str, user: User
) -> None:
    """Write a session or linked event's details and audit what changed, as created or edited."""
    created = item.id is None
    if created:
        db.session.add(item)
    changes = _apply(item, details)
    db.session.flush()
    if changes:
        action = f"event.{noun}_{'create' if created else 'edit'}"
        audit.record(action, event, user=user, changes=changes, **{noun: item.id})


def save_session(
    event: Event, item: EventSession | None, details: SessionDetails, user: User
) -> EventSession:
    """Add a session to the programme, or change one."""
    item = item or EventSession(event=event)
    _save_part(event, item, asdict(details), "session", user)
    if item.capacity is not None:
        side_events.promote_waiting(item)  # a larger capacity serves the waiting list
    return item


def delete_session(event: Event, item: EventSession, user: User) -> None:
    audit.record("event.session_delete", event, user=user, session=item.id, title=item.title)
    db.session.delete(item)


def save_linked_event(
    event: Event, linked: LinkedEvent | None, details: LinkedEventDetails, user: User
) -> LinkedEvent:
    """Add an event held alongside, or change one."""
    linked = linked or LinkedEvent(event=event)
    _save_part(event, linked, asdict(details), "linked_event", user)
    return linked


def delete_linked_event(event: Event, linked: LinkedEvent, user: User) -> None:
    audit.record(
        "event.linked_event_delete", event, user=user, linked_event=linked.id, title=linked.title
    )
    db.session.delete(linked)
