"""Reminding focal points whose delegation is left incomplete: the periodic job and bulk sends.

A delegation is incomplete while its State said it takes part and the registration is not
finished: not submitted, no head of delegation, no note verbale, or nationals waiting for
the focal point's decision. The job reminds each such focal point at most once every
REGISTRATION_REMINDER_INTERVAL_DAYS, and only while the event's registration is open.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from plenary import audit
from plenary.extensions import db
from plenary.i18n import lazy_gettext as _l
from plenary.models import Event, User, utcnow

from . import mailing
from .models import DelegateRole, DelegateState, Delegation, DelegationState
from .review_models import DelegationReminder

INCOMPLETE_STATES = (DelegationState.DRAFT, DelegationState.SUBMITTED)

NOT_SUBMITTED = _l("the submission of the delegation")
NO_DELEGATES = _l("the delegates")
NO_HEAD = _l("the head of delegation")
NO_NOTE_VERBALE = _l("the note verbale")
REQUESTS_WAITING = _l("your decision on the registrations of your nationals")


def missing_items(delegation: Delegation) -> list:
    """What the delegation still lacks, as labels translated when shown."""
    if not delegation.participates or delegation.state not in INCOMPLETE_STATES:
        return []
    missing = []
    active = delegation.active_delegates
    if not active:
        missing.append(NO_DELEGATES)
    elif not any(delegate.role == DelegateRole.HEAD for delegate in active):
        missing.append(NO_HEAD)
    if delegation.note_verbale_id is None:
        missing.append(NO_NOTE_VERBALE)
    if any(delegate.state == DelegateState.REQUESTED for delegate in delegation.delegates):
        missing.append(REQUESTS_WAITING)
    if delegation.state == DelegationState.DRAFT:
        missing.append(NOT_SUBMITTED)
    return missing


def registration_open(event: Event, now: datetime) -> bool:
    opens, closes = event.registration_opens_at, event.registration_closes_at
    return (opens is None or opens <= now) and (closes is None or now < closes)


def incomplete_delegations(event: Event, delegation_ids: Iterable[int] | None = None):
    """The event's incomplete delegations with what each lacks (two queries)."""
    query = (
        select(Delegation)
        .where(
            Delegation.event_id == event.id,
            Delegation.participates.is_(True),
            Delegation.state.in_(INCOMPLETE_STATES),
        )
        .options(
            joinedload(Delegation.country),
            joinedload(Delegation.organisation),
            selectinload(Delegation.delegates),
        )
        .order_by(Delegation.id)
    )
    if delegation_ids is not None:
        query = query.where(Delegation.id.in_(list(delegation_ids)))
    found = []
    for delegation in db.session.scalars(query):
        missing = missing_items(delegation)
        if missing:
            found.append((delegation, missing))
    return found


def remind(delegations, actor: str, user: User | None = None) -> int:
    """Send each (delegation, missing) its reminder now; returns how many were written."""
    sent = 0
    for delegation, missing in delegations:
        message = mailing.send_incomplete_reminder(delegation, missing)
        if message is None:
            continue
        db.session.add(
            DelegationReminder(
                delegation_id=delegation.id, actor=actor,
                missing=[str(item) for item in _english(missing)],
                outbox_message_id=message.id,
            )
        )  # fmt: skip
        audit.record("delegation.remind", delegation, user=user, actor=None if user else actor)
        sent += 1
    return sent


# A reminder the Secretariat sends by hand is not sent again to the same focal point sooner.
RECENT = timedelta(hours=1)


def not_reminded_lately(delegations: list, within: timedelta = RECENT) -> tuple[list, int]:
    """Those (delegation, missing) whose focal point had no reminder within `within`, and how
    many did. Each delegation is locked first, so two clicks at once send one reminder."""
    from .delegations import lock_delegations  # reminders read delegations, not the reverse

    ids = [delegation.id for delegation, _missing in delegations]
    lock_delegations(ids)
    lately = set()
    if ids:
        lately = set(
            db.session.scalars(
                select(DelegationReminder.delegation_id).where(
                    DelegationReminder.delegation_id.in_(ids),
                    DelegationReminder.sent_at > utcnow() - within,
                )
            )
        )
    kept = [(delegation, missing) for delegation, missing in delegations
            if delegation.id not in lately]  # fmt: skip
    return kept, len(delegations) - len(kept)


def _english(items: list) -> list[str]:
    from flask_babel import force_locale

    with force_locale("en"):
        return [str(item) for item in items]


def due_reminders(now: datetime | None = None) -> list:
    """(delegation, missing) of every incomplete delegation not reminded within the interval."""
    now = now or utcnow()
    interval = timedelta(days=current_app.config["REGISTRATION_REMINDER_INTERVAL_DAYS"])
    last = dict(
        db.session.execute(
            select(DelegationReminder.delegation_id, func.max(DelegationReminder.sent_at))
            .group_by(DelegationReminder.delegation_id)
        ).all()
    )  # fmt: skip
    due = []
    for event in db.session.scalars(select(Event).where(Event.published).order_by(Event.id)):
        if not registration_open(event, now):
            continue
        due += [
            (delegation, missing)
            for delegation, missing in incomplete_delegations(event)
            if delegation.id not in last or _aware(last[delegation.id]) <= now - interval
        ]
    return due


def remind_due(now: datetime | None = None, actor: str = "beat") -> int:
    """The periodic job: remind every incomplete delegation not reminded lately."""
    return remind(due_reminders(now), actor)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
