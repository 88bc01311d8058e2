"""Operations on delegations and delegates: plain functions that change the session; callers commit.

Every function takes the acting person as `actor` (how the audit log names them: "focal point
(FR)", or a staff member's email) and `user` (the signed-in Secretariat member, or None). With a
`user`, the registration window does not apply: after it closes only the Secretariat changes
anything. Emails to the States go through `registration.notify` (see notes/REG_MODELS.md).
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, Update, and_, bindparam, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from plenary import audit
from plenary.extensions import db
from plenary.i18n import lazy_gettext as _l
from plenary.models import Event, User, UTCDateTime, utcnow

from . import notifications, notify
from .errors import (
    DelegationFull,
    EmailTaken,
    HeadTaken,
    IncompleteDelegation,
    NotAllowedNow,
    NotTakingPart,
    RegistrationClosed,
    StaleAnswer,
    StaleDelegate,
)
from .models import (
    COUNTED_DELEGATE_STATES,
    LIVE_DELEGATE_STATES,
    PRIVATE_DELEGATE_FIELDS,
    Attendance,
    Delegate,
    DelegateRole,
    DelegateState,
    Delegation,
    DelegationChange,
    DelegationState,
    HeadLevel,
    StoredFile,
)

OPEN_STATES = frozenset(
    {DelegationState.DRAFT, DelegationState.SUBMITTED, DelegationState.APPROVED}
)


# --- the window --------------------------------------------------------------------------------


def registration_is_open(event: Event) -> bool:
    """The event is published and now is inside its registration window."""
    now = utcnow()
    opens, closes = event.registration_opens_at, event.registration_closes_at
    return event.published and (opens is None or opens <= now) and (closes is None or now < closes)


def check_window(event: Event, user: User | None) -> None:
    """Raise RegistrationClosed unless the event takes changes from this person now."""
    if user is not None:
        return
    if not registration_is_open(event):
        raise RegistrationClosed()


# --- the delegation itself ---------------------------------------------------------------------


def find_delegation(
    event_id: int, country_id: int | None, organisation_id: int | None, options=()
) -> Delegation | None:
    query = select(Delegation).where(Delegation.event_id == event_id).options(*options)
    if country_id is not None:
        query = query.where(Delegation.country_id == country_id)
    else:
        query = query.where(Delegation.organisation_id == organisation_id)
    # unique(): the options may join collections, one row per member.
    return db.session.scalars(query).unique().one_or_none()


def ensure_delegation(
    event: Event, country_id: int | None, organisation_id: int | None
) -> Delegation:
    """The delegation of a State (or organisation) to an event, created if missing.

    An INSERT that ignores a conflict, so two first visits at once cannot race into a
    unique-constraint error; safe to call on a GET (the row is empty until someone answers).
    """
    existing = find_delegation(event.id, country_id, organisation_id)
    if existing is not None:
        return existing
    now = utcnow()
    values = {
        "event_id": event.id,
        "country_id": country_id,
        "organisation_id": organisation_id,
        "state": DelegationState.DRAFT.value,
        "speaking_request": False,
        "panel_interest": False,
        "networking_interest": False,
        "contribution_offer": False,
        "contribution_note": "",
        "public_list_consent": False,
        "focal_point_name": "",
        "focal_point_email": "",
        "comment": "",
        "decision_reason": "",
        "delegate_count": 0,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert
    db.session.execute(insert(Delegation.__table__).values(**values).on_conflict_do_nothing())
    return find_delegation(event.id, country_id, organisation_id)


def lock_delegation(delegation: Delegation, *, with_members: bool = False) -> Delegation:
    """Re-read the delegation under a row lock for a change that counts or compares.

    `with_members` reads its delegates in the same statement; only the delegation is locked.
    SQLite has no row locks, and Python's driver begins a transaction only at the first
    write, so two requests would both read the state before either wrote it (and, say, both
    acknowledge one submission): a write that changes nothing takes the database's write lock
    first, which the other request waits for, then reads what the first committed.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        lock_delegations([delegation.id])
    query = (
        select(Delegation)
        .where(Delegation.id == delegation.id)
        .execution_options(populate_existing=True)
    )
    if not with_members:
        return db.session.scalar(query.with_for_update())
    query = query.options(joinedload(Delegation.delegates)).with_for_update(of=Delegation)
    return db.session.scalars(query).unique().one()


def lock_delegations(ids: list[int]) -> None:
    """Lock these delegations at once, in one statement. On SQLite, which has no row locks,
    a write that changes nothing takes the database's write lock (see `lock_delegation`)."""
    if not ids:
        return
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(Delegation)
            .where(Delegation.id.in_(ids))
            .values(version=Delegation.version, updated_at=Delegation.updated_at)
            .execution_options(synchronize_session=False)
        )
    else:
        db.session.execute(select(Delegation.id).where(Delegation.id.in_(ids)).with_for_update())


def check_version(delegation: Delegation, version: int | None) -> None:
    """Refuse a form saved against an answer someone else has changed since it was shown.

    Version 0 is a form shown before any answer existed.
    """
    if version == 0:
        if delegation.answered_at is not None:
            raise StaleAnswer()
    elif version is not None and version != delegation.version:
        raise StaleAnswer()


def record_change(
    delegation: Delegation,
    what: str,
    details: dict[str, Any],
    *,
    actor: str,
    user: User | None = None,
    delegate: Delegate | None = None,
) -> DelegationChange | None:
    """Keep a change made after submission (who, when, what); before it, the audit log is enough."""
    if delegation.state == DelegationState.DRAFT or not details:
        return None
    change = DelegationChange(
        delegation=delegation,
        delegate=delegate,
        user_id=user.id if user is not None else None,
        actor=actor[:200],
        what=what,
        details=details,
    )
    db.session.add(change)
    return change


def _touch(delegation: Delegation) -> None:
    delegation.version += 1
    delegation.updated_at = utcnow()


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def _diff(target: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Apply values to target; the changed ones as {name: [old, new]}."""
    changes = {}
    for name, new in values.items():
        old = getattr(target, name)
        if _jsonable(old) != _jsonable(new):
            changes[name] = [_jsonable(old), _jsonable(new)]
            setattr(target, name, new)
    return changes


@dataclass
class Intent:
    """What a focal point says about taking part."""

    participates: bool
    head_level: HeadLevel | None = None
    speaking_request: bool = False
    panel_interest: bool = False
    networking_interest: bool = False
    contribution_offer: bool = False
    contribution_note: str = ""
    public_list_consent: bool = False
    focal_point_name: str = ""
    focal_point_email: str = ""
    comment: str = ""


def record_intent(
    delegation: Delegation,
    intent: Intent,
    *,
    actor: str,
    user: User | None = None,
    version: int | None = None,
    addressee_id: int | None = None,
) -> dict[str, list[Any]]:
    """The focal point's answer: whether the State takes part, at what level, with what wishes.

    A State that declines keeps no level or wishes. Returns the changed fields.
    """
    check_window(delegation.event, user)
    delegation = lock_delegation(delegation)
    check_version(delegation, version)
    if delegation.state in (DelegationState.CANCELLED, DelegationState.REJECTED) and user is None:
        raise NotAllowedNow()
    if not intent.participates:
        intent = Intent(
            participates=False,
            focal_point_name=intent.focal_point_name,
            focal_point_email=intent.focal_point_email,
            comment=intent.comment,
        )
    values = asdict(intent)
    values["focal_point_name"] = values["focal_point_name"].strip()
    values["focal_point_email"] = values["focal_point_email"].strip().lower()
    values["comment"] = values["comment"].strip()
    values["contribution_note"] = values["contribution_note"].strip()
    offered_before = delegation.contribution_offer
    changes = _diff(delegation, values)
    if "speaking_request" in changes:
        delegation.speaking_requested_at = utcnow() if intent.speaking_request else None
    previous_office = delegation.answered_by_addressee_id
    delegation.answered_at = utcnow()
    delegation.answered_by_addressee_id = addressee_id
    _touch(delegation)
    record_change(delegation, "intent", changes, actor=actor, user=user)
    audit.record(
        "delegation.answer", delegation, user=user, actor=actor,
        participates=intent.participates, changed=sorted(changes),
    )  # fmt: skip
    if intent.contribution_offer and not offered_before:
        notifications.enqueue_contribution_offer(delegation)
    if addressee_id is not None:
        notifications.enqueue_answer_to_other_offices(delegation, addressee_id, previous_office)
    withdrawing = not intent.participates and delegation.state in OPEN_STATES - {
        DelegationState.DRAFT
    }
    if withdrawing:  # the cancellation's email says it all: no "changes received" beside it
        cancel_delegation(delegation, actor=actor, user=user)
    elif changes and delegation.state in (DelegationState.SUBMITTED, DelegationState.APPROVED):
        notify.delegation_changed(delegation)
    return changes


def attach_note_verbale(
    delegation: Delegation, stored: StoredFile, *, actor: str, user: User | None = None
) -> None:
    """The note verbale (a checked PDF, see registration.files) replaces any earlier one."""
    check_window(delegation.event, user)
    if delegation.state in (DelegationState.CANCELLED, DelegationState.REJECTED) and user is None:
        raise NotAllowedNow()
    previous = delegation.note_verbale
    delegation.note_verbale = stored
    _touch(delegation)
    record_change(
        delegation, "note_verbale",
        {"note_verbale": [previous.filename if previous else None, stored.filename]},
        actor=actor, user=user,
    )  # fmt: skip
    audit.record(
        "delegation.note_verbale", delegation, user=user, actor=actor, sha256=stored.sha256
    )
    if previous is not None:
        db.session.delete(previous)
    if delegation.state in (DelegationState.SUBMITTED, DelegationState.APPROVED):
        notify.delegation_changed(delegation)


def submit_delegation(delegation: Delegation, *, actor: str, user: User | None = None) -> None:
    """The focal point sends the composition to the Secretariat for approval."""
    check_window(delegation.event, user)
    delegation = lock_delegation(delegation, with_members=True)
    if delegation.state != DelegationState.DRAFT:
        raise NotAllowedNow()
    active = [d for d in delegation.delegates if d.state in COUNTED_DELEGATE_STATES]
    if not delegation.participates:
        raise NotTakingPart()
    if not any(d.role == DelegateRole.HEAD for d in active):
        raise IncompleteDelegation()
    delegation.state = DelegationState.SUBMITTED
    delegation.submitted_at = utcnow()
    _touch(delegation)
    audit.record("delegation.submit", delegation, user=user, actor=actor, delegates=len(active))
    notify.delegation_submitted(delegation)


def cancel_delegation(
    delegation: Delegation, *, actor: str, user: User | None = None, reason: str = ""
) -> None:
    """The State withdraws: the delegation and everyone in it are cancelled, places freed."""
    check_window(delegation.event, user)
    delegation = lock_delegation(delegation)
    if delegation.state == DelegationState.CANCELLED:
        return
    if delegation.state == DelegationState.REJECTED and user is None:
        raise NotAllowedNow()  # the Secretariat's decision stands until it changes it
    for delegate in delegation.delegates:
        if delegate.state != DelegateState.CANCELLED and delegate.state != DelegateState.REJECTED:
            _cancel(delegate, actor=actor, reason=reason)
    record_change(delegation, "cancel", {"state": [delegation.state.value, "cancelled"]},
                  actor=actor, user=user)  # fmt: skip
    delegation.state = DelegationState.CANCELLED
    delegation.cancelled_at = utcnow()
    delegation.decision_reason = reason.strip()
    _touch(delegation)
    audit.record("delegation.cancel", delegation, user=user, actor=actor, reason=reason)
    notify.delegation_cancelled(delegation)


def reopen_delegation(delegation: Delegation, *, actor: str, user: User | None = None) -> None:
    """A cancelled delegation becomes a draft again (its delegates stay cancelled)."""
    check_window(delegation.event, user)
    if delegation.state != DelegationState.CANCELLED:
        raise NotAllowedNow()
    delegation.state = DelegationState.DRAFT
    delegation.cancelled_at = None
    # Registering again is taking part again, whatever the last answer said.
    delegation.participates = True
    _touch(delegation)
    audit.record("delegation.reopen", delegation, user=user, actor=actor)


# --- the Secretariat's decisions (called by the review screens) --------------------------------


def badge_number(delegate: Delegate) -> str:
    """A badge number unique across events: event, then delegate."""
    return f"{delegate.event_id:03d}-{delegate.id:06d}"


def _approve(delegate: Delegate, user: User) -> None:
    delegate.state = DelegateState.APPROVED
    delegate.approved_at = utcnow()
    delegate.decided_by = user.email
    delegate.badge_number = delegate.badge_number or badge_number(delegate)


def _restore(delegate: Delegate) -> None:
    """A rejected delegate is registered again, checked as a new one would be: their email,
    the delegation's head and its size limit."""
    delegation = delegate.delegation
    if email_taken(delegate.event_id, delegate.email, except_id=delegate.id):
        raise EmailTaken(_restore_refused(delegate, EmailTaken.message))
    if delegate.role == DelegateRole.HEAD and _head_taken(delegation, except_id=delegate.id):
        raise HeadTaken(_restore_refused(delegate, HeadTaken.message))
    try:
        _reserve_place(delegation)
    except DelegationFull as full:
        raise DelegationFull(_restore_refused(delegate, full.message)) from None
    delegate.state = DelegateState.PENDING
    delegate.rejected_at = None
    delegate.decision_reason = ""
    _flush_guarded(delegate)


def _restore_refused(delegate: Delegate, reason: Any) -> str:
    return _l("%(name)s cannot be registered again: %(reason)s", name=delegate.full_name,
              reason=reason)  # fmt: skip


def approve_delegation(delegation: Delegation, user: User) -> list[Delegate]:
    """Approve the delegation and its pending delegates; returns those newly approved.

    Approving a rejected delegation reverses the rejection: the delegates it rejected (not
    those rejected one by one before it) are registered again, or nothing is approved.
    """
    delegation = lock_delegation(delegation)
    if delegation.state not in (DelegationState.SUBMITTED, DelegationState.APPROVED,
                                DelegationState.REJECTED):  # fmt: skip
        raise NotAllowedNow()
    if delegation.state == DelegationState.REJECTED:
        for delegate in delegation.delegates:
            if (delegate.state == DelegateState.REJECTED
                    and delegate.rejected_at == delegation.rejected_at):  # fmt: skip
                _restore(delegate)
    approved = [d for d in delegation.delegates if d.state == DelegateState.PENDING]
    for delegate in approved:
        _approve(delegate, user)
    delegation.state = DelegationState.APPROVED
    delegation.approved_at = utcnow()
    delegation.rejected_at = None
    delegation.decided_by_id = user.id
    delegation.decision_reason = ""
    _touch(delegation)
    audit.record("delegation.approve", delegation, user=user, delegates=len(approved))
    notify.delegation_approved(delegation, approved)
    return approved


def reject_delegation(delegation: Delegation, user: User, reason: str) -> None:
    """Refuse the delegation with a reason; its delegates' places are freed."""
    delegation = lock_delegation(delegation)
    if delegation.state not in (DelegationState.SUBMITTED, DelegationState.APPROVED):
        raise NotAllowedNow()
    now = utcnow()  # the same instant marks the delegates this rejection rejects
    for delegate in delegation.delegates:
        _leave_side_events(delegate)
        if delegate.state in COUNTED_DELEGATE_STATES:
            _release_place(delegate)
            delegate.state = DelegateState.REJECTED
            delegate.rejected_at = now
            delegate.decided_by = user.email
            delegate.decision_reason = reason
    delegation.state = DelegationState.REJECTED
    delegation.rejected_at = now
    delegation.decided_by_id = user.id
    delegation.decision_reason = reason.strip()
    _touch(delegation)
    audit.record("delegation.reject", delegation, user=user, reason=reason)
    notify.delegation_rejected(delegation, reason)


def approve_delegate(delegate: Delegate, user: User) -> None:
    """Approve one pending delegate (one added after the delegation was approved), or one
    rejected before, who is then registered again as a new one would be."""
    delegation = lock_delegation(delegate.delegation)
    if delegation.state not in (DelegationState.SUBMITTED, DelegationState.APPROVED):
        raise NotAllowedNow()
    if delegate.state == DelegateState.REJECTED:
        _restore(delegate)
    if delegate.state != DelegateState.PENDING:
        raise NotAllowedNow()
    _approve(delegate, user)
    _touch(delegate.delegation)
    audit.record("delegate.approve", delegate, user=user)
    notify.delegate_approved(delegate)


def reject_delegate(delegate: Delegate, user: User, reason: str) -> None:
    """Refuse one delegate with a reason; their place is freed."""
    if delegate.state not in (DelegateState.PENDING, DelegateState.APPROVED,
                              DelegateState.REQUESTED):  # fmt: skip
        raise NotAllowedNow()
    if delegate.counted:
        _release_place(delegate)
    _leave_side_events(delegate)
    delegate.state = DelegateState.REJECTED
    delegate.rejected_at = utcnow()
    delegate.decided_by = user.email
    delegate.decision_reason = reason.strip()
    _touch(delegate.delegation)
    audit.record("delegate.reject", delegate, user=user, reason=reason)
    notify.delegate_rejected(delegate, reason)


# --- delegates ---------------------------------------------------------------------------------


@dataclass
class DelegateDetails:
    """What a focal point (or the person) gives about a delegate."""

    given_name: str
    family_name: str
    email: str
    honorific: str = ""
    function: str = ""
    institution: str = ""
    phone: str = ""
    language: str = "en"
    role: DelegateRole = DelegateRole.MEMBER
    days: list[str] = field(default_factory=list)
    attendance: Attendance = Attendance.IN_PERSON
    accessibility_needs: str = ""
    visa_letter_needed: bool = False
    nationality: str = ""
    passport_number: str = ""
    passport_expires_on: date | None = None
    date_of_birth: date | None = None

    def values(self) -> dict[str, Any]:
        values = asdict(self)
        for name, value in values.items():
            if isinstance(value, str):
                values[name] = value.strip()
        values["email"] = values["email"].lower()
        values["days"] = sorted(set(self.days))
        return values


def _reserve_place(delegation: Delegation) -> None:
    """Count one more delegate, unless the event's limit is reached (atomic, under concurrency).

    The same statement moves the delegation's version on, as `_touch` would.
    """
    limit = delegation.event.max_delegation_size
    values = {"delegation": delegation.id, "now": utcnow()}
    if limit is not None:
        values["limit"] = limit
    result = db.session.execute(
        _reserve_statement(limit is not None),
        values,
        execution_options={"synchronize_session": False},
    )
    db.session.expire(delegation, ["delegate_count", "version", "updated_at"])
    if result.rowcount != 1:
        raise DelegationFull()


@functools.cache
def _reserve_statement(limited: bool) -> Update:
    """Built once per process: each delegate added runs it."""
    statement = update(Delegation).where(Delegation.id == bindparam("delegation"))
    if limited:
        statement = statement.where(Delegation.delegate_count < bindparam("limit"))
    return statement.values(
        delegate_count=Delegation.delegate_count + 1,
        version=Delegation.version + 1,
        updated_at=bindparam("now", type_=UTCDateTime()),
    )


def _release_place(delegate: Delegate) -> None:
    db.session.execute(
        update(Delegation)
        .where(Delegation.id == delegate.delegation_id, Delegation.delegate_count > 0)
        .values(delegate_count=Delegation.delegate_count - 1),
        execution_options={"synchronize_session": False},
    )
    db.session.expire(delegate.delegation, ["delegate_count"])


def email_taken(event_id: int, email: str, except_id: int | None = None) -> bool:
    """Someone still registered for the event holds this email (the index is the guarantee)."""
    values = {"event": event_id, "email": email.strip().lower()}
    if except_id is not None:
        values["except"] = except_id
    return bool(db.session.scalar(_email_taken_statement(except_id is not None), values))


@functools.cache
def _email_taken_statement(excepting: bool) -> Select:
    """Built once per process: each delegate added or changed runs it."""
    condition = and_(
        Delegate.event_id == bindparam("event"),
        Delegate.email == bindparam("email"),
        Delegate.state.in_(LIVE_DELEGATE_STATES),
    )
    if excepting:
        condition = and_(condition, Delegate.id != bindparam("except"))
    return select(exists().where(condition))


def _head_taken(delegation: Delegation, except_id: int | None = None) -> bool:
    return any(
        d.role == DelegateRole.HEAD and d.id != except_id and d.state in COUNTED_DELEGATE_STATES
        for d in delegation.delegates
    )


def _flush_guarded(delegate: Delegate) -> None:
    """Flush; the unique indexes, which another request may have just beaten us to, turn into
    messages for the field. The transaction is then spent: the caller rolls it back, as it
    must anyway to give back the place `_reserve_place` took (so no savepoint here)."""
    try:
        db.session.flush()
    except IntegrityError as error:
        text = str(error.orig).lower()
        if "head" in text:
            raise HeadTaken() from None
        if "email" in text:
            raise EmailTaken() from None
        raise


def _check_editable(delegation: Delegation, user: User | None) -> None:
    check_window(delegation.event, user)
    if delegation.state not in OPEN_STATES and user is None:
        raise NotAllowedNow()


def add_delegate(
    delegation: Delegation, details: DelegateDetails, *, actor: str, user: User | None = None
) -> Delegate:
    """A focal point adds a person to the delegation, within the event's size limit."""
    _check_editable(delegation, user)
    values = details.values()
    if email_taken(delegation.event_id, values["email"]):
        raise EmailTaken()
    if values["role"] == DelegateRole.HEAD and _head_taken(delegation):
        raise HeadTaken()
    _reserve_place(delegation)
    delegate = Delegate(
        delegation=delegation, event_id=delegation.event_id, state=DelegateState.PENDING, **values
    )
    db.session.add(delegate)
    _flush_guarded(delegate)
    record_change(delegation, "delegate.add", {"name": [None, delegate.full_name]},
                  actor=actor, user=user, delegate=delegate)  # fmt: skip
    audit.record("delegate.add", delegate, user=user, actor=actor, delegation=delegation.id)
    if delegation.state in (DelegationState.SUBMITTED, DelegationState.APPROVED):
        notify.delegation_changed(delegation)
    return delegate


# What the Secretariat approved a person on: when a focal point changes any of it, an approved
# delegate waits for the Secretariat again (their badge number is kept for the new badge).
REVIEWED_FIELDS = frozenset({
    "honorific", "given_name", "family_name", "email", "role", "nationality", "passport_number",
    "date_of_birth", "passport_expires_on", "visa_letter_needed",
})  # fmt: skip


def _review_again(delegate: Delegate) -> None:
    if delegate.state == DelegateState.APPROVED:
        delegate.state = DelegateState.PENDING
        delegate.approved_at = None


def seen_token(delegate: Delegate) -> str:
    """What a form shows of the delegate's last change, to tell whether it was changed since."""
    return delegate.updated_at.isoformat() if delegate.updated_at else ""


def update_delegate(
    delegate: Delegate,
    details: DelegateDetails,
    *,
    actor: str,
    user: User | None = None,
    seen: str | None = None,
) -> dict[str, list[Any]]:
    """Change a delegate's details; after submission the change is recorded and confirmed.

    `seen`, the `seen_token` of the form's showing, refuses a form older than the delegate's
    last change (StaleDelegate), which would otherwise undo it silently.
    """
    delegation = delegate.delegation
    _check_editable(delegation, user)
    if seen and seen != seen_token(delegate):
        raise StaleDelegate()
    if delegate.state not in (DelegateState.PENDING, DelegateState.APPROVED,
                              DelegateState.REQUESTED) and user is None:  # fmt: skip
        raise NotAllowedNow()
    values = details.values()
    if email_taken(delegate.event_id, values["email"], except_id=delegate.id):
        raise EmailTaken()
    if values["role"] == DelegateRole.HEAD and _head_taken(delegation, except_id=delegate.id):
        raise HeadTaken()
    changes = _diff(delegate, values)
    if not changes:
        return changes
    _flush_guarded(delegate)
    _touch(delegation)
    shown = {k: (["…", "…"] if k in PRIVATE_DELEGATE_FIELDS else v) for k, v in changes.items()}
    if (
        user is None
        and delegate.state == DelegateState.APPROVED
        and REVIEWED_FIELDS & changes.keys()
    ):
        _review_again(delegate)
        shown["state"] = ["approved", "pending"]
    record_change(delegation, "delegate.edit", shown, actor=actor, user=user, delegate=delegate)
    audit.record("delegate.edit", delegate, user=user, actor=actor, changed=sorted(changes))
    if delegation.state in (DelegationState.SUBMITTED, DelegationState.APPROVED):
        notify.delegation_changed(delegation)
    return changes


def attach_photo(
    delegate: Delegate, stored: StoredFile, *, actor: str, user: User | None = None
) -> None:
    """The badge photograph (a checked JPEG or PNG) replaces any earlier one; from a focal
    point, an approved delegate's new photograph goes to the Secretariat again."""
    _check_editable(delegate.delegation, user)
    previous = delegate.photo
    delegate.photo = stored
    if user is None:
        _review_again(delegate)
    _touch(delegate.delegation)
    record_change(delegate.delegation, "delegate.photo", {"photo": ["…", stored.filename]},
                  actor=actor, user=user, delegate=delegate)  # fmt: skip
    audit.record("delegate.photo", delegate, user=user, actor=actor, sha256=stored.sha256)
    if previous is not None:
        db.session.delete(previous)


def _leave_side_events(delegate: Delegate) -> None:
    from .side_events import cancel_place  # side events build on delegates, not the reverse

    for place in list(delegate.side_event_places):
        cancel_place(place, actor="system")


def _cancel(delegate: Delegate, *, actor: str, reason: str = "") -> None:
    if delegate.counted:
        _release_place(delegate)
    _leave_side_events(delegate)
    delegate.state = DelegateState.CANCELLED
    delegate.cancelled_at = utcnow()
    delegate.decided_by = actor[:200]
    delegate.decision_reason = reason.strip()


def remove_delegate(delegate: Delegate, *, actor: str, user: User | None = None) -> None:
    """Take a person out: deleted while the delegation is a draft, cancelled (and kept) after."""
    delegation = delegate.delegation
    _check_editable(delegation, user)
    if delegate.state in (DelegateState.CANCELLED, DelegateState.REJECTED):
        return
    if delegation.state == DelegationState.DRAFT and delegate.state == DelegateState.PENDING:
        if delegate.counted:
            _release_place(delegate)
        _leave_side_events(delegate)
        audit.record("delegate.remove", delegate, user=user, actor=actor, name=delegate.full_name)
        delegation.delegates.remove(delegate)
        db.session.delete(delegate)
        _touch(delegation)
        return
    cancel_delegate(delegate, actor=actor, user=user)


def cancel_delegate(
    delegate: Delegate, *, actor: str, user: User | None = None, reason: str = ""
) -> None:
    """One person no longer comes: cancelled, their place and side-event places freed."""
    delegation = delegate.delegation
    _check_editable(delegation, user)
    if delegate.state in (DelegateState.CANCELLED, DelegateState.REJECTED):
        return
    _cancel(delegate, actor=actor, reason=reason)
    _touch(delegation)
    record_change(delegation, "delegate.cancel", {"name": [delegate.full_name, None]},
                  actor=actor, user=user, delegate=delegate)  # fmt: skip
    audit.record("delegate.cancel", delegate, user=user, actor=actor, reason=reason)
    if delegation.state in (DelegationState.SUBMITTED, DelegationState.APPROVED):
        notify.delegation_changed(delegation)
    notify.delegate_cancelled(delegate)


# --- self-registration -------------------------------------------------------------------------


def self_register(
    event: Event, country_id: int, details: DelegateDetails, *, actor: str = "self-registration"
) -> Delegate:
    """A person registers under their country; they wait for the focal point's acceptance."""
    check_window(event, None)
    delegation = ensure_delegation(event, country_id, None)
    if delegation.state in (DelegationState.CANCELLED, DelegationState.REJECTED):
        raise NotAllowedNow()
    values = details.values()
    if email_taken(event.id, values["email"]):
        raise EmailTaken()
    # The focal point decides the head of delegation; a person registers as a member.
    if values["role"] == DelegateRole.HEAD:
        values["role"] = DelegateRole.MEMBER
    delegate = Delegate(
        delegation=delegation, event_id=event.id, state=DelegateState.REQUESTED,
        self_registered=True, **values,
    )  # fmt: skip
    db.session.add(delegate)
    _flush_guarded(delegate)
    audit.record("delegate.self_register", delegate, actor=actor, delegation=delegation.id)
    notify.self_registration_received(delegate)
    return delegate


def accept_self_registration(delegate: Delegate, *, actor: str, user: User | None = None) -> None:
    """The focal point (or the Secretariat) takes a self-registered person into the delegation."""
    delegation = delegate.delegation
    _check_editable(delegation, user)
    if delegate.state != DelegateState.REQUESTED:
        raise NotAllowedNow()
    _reserve_place(delegation)
    delegate.state = DelegateState.PENDING
    delegate.accepted_at = utcnow()
    delegate.decided_by = actor[:200]
    record_change(delegation, "delegate.add", {"name": [None, delegate.full_name]},
                  actor=actor, user=user, delegate=delegate)  # fmt: skip
    audit.record("delegate.accept", delegate, user=user, actor=actor)
    notify.self_registration_accepted(delegate)
    if delegation.state in (DelegationState.SUBMITTED, DelegationState.APPROVED):
        notify.delegation_changed(delegation)


def decline_self_registration(
    delegate: Delegate, *, actor: str, user: User | None = None, reason: str = ""
) -> None:
    """The focal point (or the Secretariat) refuses a self-registration."""
    _check_editable(delegate.delegation, user)
    if delegate.state != DelegateState.REQUESTED:
        raise NotAllowedNow()
    delegate.state = DelegateState.REJECTED
    delegate.rejected_at = utcnow()
    delegate.decided_by = actor[:200]
    delegate.decision_reason = reason.strip()
    audit.record("delegate.decline", delegate, user=user, actor=actor, reason=reason)
    notify.self_registration_declined(delegate, reason)
