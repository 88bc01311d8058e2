"""Side events with a capacity: places taken with a conditional UPDATE, a waiting list in order.

`event_session.places_taken` counts the confirmed places; a CHECK constraint keeps it within the
capacity and the UPDATE that takes a place only succeeds below it, so concurrent sign-ups never
overbook, on PostgreSQL as on SQLite. When a place frees, the first in line is promoted and told.
"""

from __future__ import annotations

from sqlalchemy import select, update

from plenary import audit
from plenary.extensions import db
from plenary.i18n import lazy_gettext as _l
from plenary.models import EventSession, SessionKind, User, utcnow

from . import notifications
from .delegations import check_window
from .errors import NotAllowedNow
from .events import utc_to_local
from .models import Attendance, Delegate, DelegateState, DelegationState, PlaceState, SideEventPlace

SIDE_EVENT_KINDS = (SessionKind.PANEL, SessionKind.NETWORKING)


def side_events(event_id: int) -> list[EventSession]:
    """The sessions delegates sign up for: panels and networking events with a capacity."""
    return list(
        db.session.scalars(
            select(EventSession)
            .where(
                EventSession.event_id == event_id,
                EventSession.kind.in_(SIDE_EVENT_KINDS),
                EventSession.capacity.is_not(None),
            )
            .order_by(EventSession.starts_at, EventSession.id)
        )
    )


def places_of(people: list[Delegate]) -> dict[tuple[int, int], SideEventPlace]:
    """The places (and turns in line) of these delegates, by (side event, delegate)."""
    if not people:
        return {}
    found = db.session.scalars(
        select(SideEventPlace).where(SideEventPlace.delegate_id.in_([p.id for p in people]))
    )
    return {(place.session_id, place.delegate_id): place for place in found}


def _take_place(session: EventSession) -> bool:
    """Take one place if one is free (atomic); False when the side event is full."""
    result = db.session.execute(
        update(EventSession)
        .where(EventSession.id == session.id, EventSession.places_taken < EventSession.capacity)
        .values(places_taken=EventSession.places_taken + 1),
        execution_options={"synchronize_session": False},
    )
    db.session.expire(session, ["places_taken"])
    return result.rowcount == 1


def _free_place(session: EventSession) -> None:
    db.session.execute(
        update(EventSession)
        .where(EventSession.id == session.id, EventSession.places_taken > 0)
        .values(places_taken=EventSession.places_taken - 1),
        execution_options={"synchronize_session": False},
    )
    db.session.expire(session, ["places_taken"])


NOT_SUBMITTED = _l("Places are taken once the delegation is submitted.")
ONLINE = _l("Attends online.")
NOT_THAT_DAY = _l("Does not attend on that day.")


def refusal(session: EventSession, delegate: Delegate) -> str | None:
    """Why this delegate cannot sign up for this side event, or None when they can.

    A place is for someone the event will see there: registered in a delegation the
    Secretariat has received, in person, on the side event's day.
    """
    if delegate.delegation.state not in (DelegationState.SUBMITTED, DelegationState.APPROVED):
        return NOT_SUBMITTED
    if delegate.attendance == Attendance.ONLINE:
        return ONLINE
    day = utc_to_local(session.starts_at, delegate.delegation.event.timezone).date()
    if delegate.days and day.isoformat() not in delegate.days:
        return NOT_THAT_DAY
    return None


def sign_up(
    session: EventSession, delegate: Delegate, *, actor: str, user: User | None = None
) -> SideEventPlace:
    """A place for the delegate, or their turn on the waiting list when the event is full."""
    if session.event_id != delegate.event_id or session.capacity is None:
        raise NotAllowedNow()
    check_window(delegate.delegation.event, user)
    if delegate.state not in (DelegateState.PENDING, DelegateState.APPROVED):
        raise NotAllowedNow()
    reason = refusal(session, delegate)
    if reason is not None:
        raise NotAllowedNow(_l("%(name)s: %(reason)s", name=delegate.full_name, reason=reason))
    place = db.session.scalar(
        select(SideEventPlace).where(
            SideEventPlace.session_id == session.id, SideEventPlace.delegate_id == delegate.id
        )
    )
    if place is not None and place.state != PlaceState.CANCELLED:
        return place
    # Someone already waiting keeps their turn: a newcomer never passes the line.
    line = _first_waiting(session)
    if place is None:
        place = SideEventPlace(session=session, delegate=delegate, state=PlaceState.WAITING)
        db.session.add(place)
    place.requested_at = utcnow()
    place.cancelled_at = None
    if line is None and _take_place(session):
        place.state = PlaceState.CONFIRMED
        place.confirmed_at = utcnow()
    else:
        place.state = PlaceState.WAITING
        place.confirmed_at = None
    db.session.flush()
    audit.record("side_event.sign_up", place, user=user, actor=actor, state=place.state.value)
    return place


def _first_waiting(session: EventSession, lock: bool = False) -> SideEventPlace | None:
    query = (
        select(SideEventPlace)
        .where(SideEventPlace.session_id == session.id, SideEventPlace.state == PlaceState.WAITING)
        .order_by(SideEventPlace.requested_at, SideEventPlace.id)
        .limit(1)
    )
    return db.session.scalar(query.with_for_update() if lock else query)


def promote_waiting(session: EventSession) -> list[SideEventPlace]:
    """Fill free places from the waiting list, in order; each person promoted is emailed."""
    promoted = []
    while True:
        waiting = _first_waiting(session, lock=True)
        if waiting is not None and not waiting.delegate.counted:
            # No longer registered, yet still in line (data from before rejections took
            # people out of it): taken out, never promoted.
            cancel_place(waiting, actor="system")
            continue
        if waiting is None or not _take_place(session):
            break
        waiting.state = PlaceState.CONFIRMED
        waiting.confirmed_at = utcnow()
        audit.record("side_event.promote", waiting, actor="system")
        notifications.enqueue_place_confirmed(waiting)
        promoted.append(waiting)
    return promoted


def cancel_place(place: SideEventPlace, *, actor: str, user: User | None = None) -> None:
    """Give up a place (or a turn in line); the first in line gets the freed place."""
    if place.state == PlaceState.CANCELLED:
        return
    held = place.state == PlaceState.CONFIRMED
    place.state = PlaceState.CANCELLED
    place.cancelled_at = utcnow()
    db.session.flush()
    audit.record("side_event.cancel", place, user=user, actor=actor)
    if held:
        _free_place(place.session)
        promote_waiting(place.session)


def waiting_position(place: SideEventPlace) -> int | None:
    """1 for the first in line; None when the place is not waiting."""
    if place.state != PlaceState.WAITING:
        return None
    ahead = db.session.scalar(
        select(db.func.count())
        .select_from(SideEventPlace)
        .where(
            SideEventPlace.session_id == place.session_id,
            SideEventPlace.state == PlaceState.WAITING,
            db.or_(
                SideEventPlace.requested_at < place.requested_at,
                db.and_(
                    SideEventPlace.requested_at == place.requested_at,
                    SideEventPlace.id < place.id,
                ),
            ),
        )
    )
    return (ahead or 0) + 1
