"""The Secretariat's changes to a delegation or a delegate, each kept with its reason.

Approving and rejecting are registration.delegations' operations (they count places and
call registration.notify); these functions change the answers and details that the focal
point gave, at any time (the registration window does not bind the Secretariat), and record
old and new values in the delegation's change list and the audit log. Callers commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from plenary import audit
from plenary.extensions import db
from plenary.i18n import lazy_gettext as _l
from plenary.models import User, utcnow

from .models import (
    LIVE_DELEGATE_STATES,
    PRIVATE_DELEGATE_FIELDS,
    Delegate,
    DelegateRole,
    Delegation,
    DelegationChange,
)


class DuplicateValue(Exception):
    """Another live registration already holds this email, or the delegation has a head."""

    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message


def _change(delegation: Delegation, user: User, what: str, delegate=None, **details) -> None:
    db.session.add(
        DelegationChange(
            delegation=delegation, delegate=delegate, user_id=user.id, actor=user.email,
            what=what, details=details,
        )
    )  # fmt: skip


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
    "nationality", "passport_number", "passport_expires_on", "date_of_birth",
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
    shown = {k: (["…", "…"] if k in PRIVATE_DELEGATE_FIELDS else v) for k, v in changed.items()}
    _change(delegation, user, "secretariat.edit", delegate, reason=reason.strip(),
            fields=shown)  # fmt: skip
    audit.record("delegate.edit", delegate, user=user, fields=shown, reason=reason.strip())
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
