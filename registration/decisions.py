"""The Secretariat's decisions on delegations and delegates, and its changes to them.

Plain functions: they change the session, record the change and the audit entry, write the
outbox rows, and leave the commit to the caller. Counting follows the focal point's side:
`Delegation.delegate_count` holds the pending and approved delegates, changed only by
conditional UPDATEs so that no decision can take a delegation past the event's size limit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from plenary import audit
from plenary.extensions import db
from plenary.i18n import lazy_gettext as _l
from plenary.models import Event, User, utcnow

from . import mailing
from .models import (
    COUNTED_DELEGATE_STATES,
    LIVE_DELEGATE_STATES,
    Delegate,
    DelegateRole,
    DelegateState,
    Delegation,
    DelegationChange,
    DelegationState,
)


class DecisionRefused(Exception):
    """The decision does not apply to the record in its present state."""

    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message


class DelegationFull(DecisionRefused):
    """Counting this delegate again would pass the event's delegation size limit."""


class DuplicateValue(DecisionRefused):
    """Another live registration already holds this email, or the delegation has a head."""


def badge_number_for(delegate: Delegate) -> str:
    """A badge number unique across events: the event's id, then the delegate's."""
    return f"P{delegate.event_id}-{delegate.id:06d}"


def _count_in(delegation: Delegation) -> None:
    """Count one more delegate, unless the event's size limit is reached (checked in SQL)."""
    limit = delegation.event.max_delegation_size
    statement = update(Delegation).where(Delegation.id == delegation.id)
    if limit is not None:
        statement = statement.where(Delegation.delegate_count < limit)
    changed = db.session.execute(
        statement.values(delegate_count=Delegation.delegate_count + 1).execution_options(
            synchronize_session=False
        )
    ).rowcount
    if changed != 1:
        raise DelegationFull(_l("The delegation has reached the event's size limit."))
    db.session.refresh(delegation, ["delegate_count"])


def _count_out(delegation: Delegation) -> None:
    db.session.execute(
        update(Delegation)
        .where(Delegation.id == delegation.id, Delegation.delegate_count > 0)
        .values(delegate_count=Delegation.delegate_count - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(delegation, ["delegate_count"])


def _change(delegation: Delegation, user: User, what: str, delegate=None, **details) -> None:
    db.session.add(
        DelegationChange(
            delegation=delegation, delegate=delegate, user_id=user.id, actor=user.email,
            what=what, details=details,
        )
    )  # fmt: skip


def approve_delegate(delegate: Delegate, user: User) -> None:
    """Approve one delegate: a badge number, and the confirmation email."""
    if delegate.state == DelegateState.APPROVED:
        raise DecisionRefused(_l("This delegate is already approved."))
    if delegate.state not in (DelegateState.PENDING, DelegateState.REJECTED):
        raise DecisionRefused(_l("Only a pending or rejected delegate can be approved."))
    delegation = delegate.delegation
    if delegate.state not in COUNTED_DELEGATE_STATES:
        _count_in(delegation)
    previous = str(delegate.state)
    delegate.state = DelegateState.APPROVED
    delegate.approved_at = utcnow()
    delegate.rejected_at = None
    delegate.decided_by = user.email
    delegate.decision_reason = ""
    db.session.flush()
    if not delegate.badge_number:
        delegate.badge_number = badge_number_for(delegate)
    _change(delegation, user, "delegate.approve", delegate, state=[previous, "approved"])
    audit.record("delegate.approve", delegate, user=user, badge=delegate.badge_number)
    mailing.send_confirmation(delegate)


def reject_delegate(delegate: Delegate, user: User, reason: str) -> None:
    """Reject one delegate with a reason, which the delegate and the focal point receive."""
    reason = reason.strip()
    if not reason:
        raise DecisionRefused(_l("Give the reason for the rejection."))
    if delegate.state not in (DelegateState.PENDING, DelegateState.APPROVED):
        raise DecisionRefused(_l("Only a pending or approved delegate can be rejected."))
    previous = str(delegate.state)
    if delegate.state in COUNTED_DELEGATE_STATES:
        _count_out(delegate.delegation)
    delegate.state = DelegateState.REJECTED
    delegate.rejected_at = utcnow()
    delegate.decided_by = user.email
    delegate.decision_reason = reason
    _change(delegate.delegation, user, "delegate.reject", delegate,
            state=[previous, "rejected"], reason=reason)  # fmt: skip
    audit.record("delegate.reject", delegate, user=user, reason=reason)
    mailing.send_delegate_rejection(delegate)


def approve_delegation(delegation: Delegation, user: User) -> int:
    """Approve a submitted delegation and every delegate still pending; returns how many."""
    if delegation.state not in (DelegationState.SUBMITTED, DelegationState.REJECTED):
        raise DecisionRefused(_l("Only a submitted (or rejected) delegation can be approved."))
    previous = str(delegation.state)
    delegation.state = DelegationState.APPROVED
    delegation.approved_at = utcnow()
    delegation.rejected_at = None
    delegation.decided_by_id = user.id
    delegation.decision_reason = ""
    _change(delegation, user, "delegation.approve", state=[previous, "approved"])
    audit.record("delegation.approve", delegation, user=user)
    pending = [d for d in delegation.delegates if d.state == DelegateState.PENDING]
    for delegate in pending:
        approve_delegate(delegate, user)
    return len(pending)


def reject_delegation(delegation: Delegation, user: User, reason: str) -> None:
    """Send a delegation back to its focal point with the reason; its delegates stay as they are."""
    reason = reason.strip()
    if not reason:
        raise DecisionRefused(_l("Give the reason for the rejection."))
    if delegation.state not in (DelegationState.SUBMITTED, DelegationState.APPROVED):
        raise DecisionRefused(_l("Only a submitted or approved delegation can be rejected."))
    previous = str(delegation.state)
    delegation.state = DelegationState.REJECTED
    delegation.rejected_at = utcnow()
    delegation.decided_by_id = user.id
    delegation.decision_reason = reason
    _change(delegation, user, "delegation.reject", state=[previous, "rejected"], reason=reason)
    audit.record("delegation.reject", delegation, user=user, reason=reason)
    mailing.send_delegation_rejection(delegation)


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def _apply(record: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    changed = {}
    for name, new in values.items():
        old = getattr(record, name)
        if _plain(old) != _plain(new):
            changed[name] = [_plain(old), _plain(new)]
            setattr(record, name, new)
    return changed


DELEGATION_FIELDS = (
    "head_level", "speaking_request", "panel_interest", "networking_interest",
    "contribution_offer", "public_list_consent", "focal_point_name", "focal_point_email",
    "comment",
)  # fmt: skip
DELEGATE_FIELDS = (
    "honorific", "given_name", "family_name", "function", "institution", "email", "phone",
    "language", "role", "attendance", "accessibility_needs", "visa_letter_needed",
)  # fmt: skip


def update_delegation(delegation: Delegation, user: User, reason: str, **values: Any) -> dict:
    """Change a delegation's answers on the Secretariat's side; every change is kept."""
    values = {name: value for name, value in values.items() if name in DELEGATION_FIELDS}
    if values.get("speaking_request") and not delegation.speaking_request:
        delegation.speaking_requested_at = delegation.speaking_requested_at or utcnow()
    changed = _apply(delegation, values)
    if changed:
        delegation.version = (delegation.version or 0) + 1
        _change(delegation, user, "secretariat.edit", reason=reason.strip(), fields=changed)
        audit.record("delegation.edit", delegation, user=user, fields=changed,
                     reason=reason.strip())  # fmt: skip
    return changed


def update_delegate(delegate: Delegate, user: User, reason: str, **values: Any) -> dict:
    """Change a delegate's details on the Secretariat's side; every change is kept."""
    values = {name: value for name, value in values.items() if name in DELEGATE_FIELDS}
    if "email" in values:
        values["email"] = values["email"].strip().lower()
    _check_unique(delegate, values)
    changed = _apply(delegate, values)
    if not changed:
        return changed
    delegation = delegate.delegation
    delegation.version = (delegation.version or 0) + 1
    _change(delegation, user, "secretariat.edit", delegate, reason=reason.strip(),
            fields=changed)  # fmt: skip
    audit.record("delegate.edit", delegate, user=user, fields=changed, reason=reason.strip())
    return changed


def _check_unique(delegate: Delegate, values: dict[str, Any]) -> None:
    """The message for what the database's unique indexes would refuse at commit."""
    live = Delegate.state.in_(LIVE_DELEGATE_STATES)
    others = select(Delegate.id).where(Delegate.id != delegate.id, live).limit(1)
    email = values.get("email", delegate.email)
    if db.session.scalar(others.where(Delegate.event_id == delegate.event_id,
                                      Delegate.email == email)) is not None:  # fmt: skip
        raise DuplicateValue(_l("Another registration for this event already uses this email."))
    role = values.get("role", delegate.role)
    if (
        str(role) == DelegateRole.HEAD.value
        and db.session.scalar(
            others.where(Delegate.delegation_id == delegate.delegation_id, Delegate.role == "head")
        )
        is not None
    ):
        raise DuplicateValue(_l("The delegation already has a head."))


def delegation_of(event: Event, delegation_id: int) -> Delegation | None:
    """A delegation of the event (None for another event's)."""
    delegation = db.session.get(Delegation, delegation_id)
    return delegation if delegation is not None and delegation.event_id == event.id else None
