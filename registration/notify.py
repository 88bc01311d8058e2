"""The registration emails, written when the operations of registration.delegations act.

Each hook is called inside the request's transaction, so the outbox row it writes commits
(or rolls back) with the change that causes it. Who receives what is in registration.mailing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from plenary.extensions import db
from plenary.models import utcnow

from . import mailing
from .models import Delegate, DelegateState, Delegation

# The emails of a transaction wait here, keyed so that each is written once, and are written
# just before the outer transaction commits: with the final state of the records, after any
# savepoint the operations used, and still inside the transaction (nothing half-saved).
_PENDING_KEY = "registration_emails"


def _later(key: tuple, function: Callable[..., Any], *args: Any) -> None:
    """Write this email before the commit, once per key (a kind and the record's identity)."""
    pending = db.session.info.setdefault(_PENDING_KEY, {})
    pending.setdefault(key, (function, args))


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    if session.in_nested_transaction():
        return
    # A function may add more (none do today); write until nothing is left.
    while pending := session.info.pop(_PENDING_KEY, None):
        for function, args in pending.values():
            function(*args)


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_PENDING_KEY, None)


# Delegates cancelled with their delegation carry (nearly) its timestamp; earlier ones do not.
_SAME_ACTION = timedelta(seconds=5)


def delegation_submitted(delegation: Delegation) -> None:
    """Acknowledgement of the submission to the focal point."""
    _later(("acknowledgement", id(delegation)), _acknowledge, delegation, False)


def delegation_changed(delegation: Delegation) -> None:
    """The focal point has the changes made after submission confirmed, once a transaction."""
    _later(("acknowledgement", id(delegation)), _acknowledge, delegation, True)


def _acknowledge(delegation: Delegation, resubmission: bool) -> None:
    mailing.send_acknowledgement(delegation, resubmission=resubmission)
    now = utcnow()
    for change in delegation.changes:
        if change.confirmed_at is None:
            change.confirmed_at = now


def delegation_cancelled(delegation: Delegation) -> None:
    """The State cancelled its delegation: the focal point is told, and so is each person
    cancelled with it, unless the delegation was still a draft (they had heard nothing)."""
    _later(("cancellation", id(delegation)), _cancellation, delegation)


def _cancellation(delegation: Delegation) -> None:
    mailing.send_delegation_cancellation(delegation)
    cancel = next((c for c in reversed(delegation.changes) if c.what == "cancel"), None)
    if cancel is None or (cancel.details.get("state") or ["draft"])[0] == "draft":
        return
    for delegate in delegation.delegates:
        cancelled_at = delegate.cancelled_at
        if (delegate.state == DelegateState.CANCELLED and cancelled_at is not None
                and abs(delegation.cancelled_at - cancelled_at) < _SAME_ACTION):  # fmt: skip
            mailing.send_delegate_cancellation(delegate)


def delegation_approved(delegation: Delegation, approved: list[Delegate]) -> None:
    """Each delegate approved gets the confirmation with .ics, badge QR code, visa letter."""
    for delegate in approved:
        _later(("confirmation", id(delegate)), mailing.send_confirmation, delegate)


def delegation_rejected(delegation: Delegation, reason: str) -> None:
    """The rejection and its reason, to the focal point."""
    _later(("rejection", id(delegation)), mailing.send_delegation_rejection, delegation)


def delegate_approved(delegate: Delegate) -> None:
    """The confirmation to one delegate approved on their own."""
    _later(("confirmation", id(delegate)), mailing.send_confirmation, delegate)


def delegate_rejected(delegate: Delegate, reason: str) -> None:
    """One delegate refused: the person and the focal point hear the reason."""
    _later(("delegate_rejection", id(delegate)), mailing.send_delegate_rejection, delegate)


def delegate_cancelled(delegate: Delegate) -> None:
    """The person hears that their registration was cancelled."""
    _later(("delegate_cancellation", id(delegate)), mailing.send_delegate_cancellation, delegate)


def self_registration_received(delegate: Delegate) -> None:
    """The country's focal point hears that a national registered themselves."""
    _later(("self_registration", id(delegate)), mailing.send_self_registration_notice, delegate)


def self_registration_accepted(delegate: Delegate) -> None:
    """The person hears that the focal point took them into the delegation."""
    _later(("self_registration_decision", id(delegate)),
           mailing.send_self_registration_decision, delegate, True)  # fmt: skip


def self_registration_declined(delegate: Delegate, reason: str) -> None:
    """The person hears that the focal point refused their registration."""
    _later(("self_registration_decision", id(delegate)),
           mailing.send_self_registration_decision, delegate, False, reason)  # fmt: skip
