"""The registration emails that the Secretariat's side (branch `regsec`) writes.

The focal point's operations (registration.delegations) call these at the moment each event
happens, inside the request's transaction, so an email written here through `plenary.outbox`
commits (or rolls back) with the change that causes it.

NOT DONE on branch `regfocal`: every function below is an empty hook that regsec fills with the
email (templates in templates/emails/registration/, in the recipient's language). Until then
they send nothing. See notes/REG_MODELS.md for who receives what.
"""

from __future__ import annotations

from .models import Delegate, Delegation


def delegation_submitted(delegation: Delegation) -> None:
    """HOOK (regsec): acknowledgement of the submission to the focal point."""


def delegation_changed(delegation: Delegation) -> None:
    """HOOK (regsec): the focal point confirms again a change after submission.

    The changes not yet confirmed are `delegation.changes` with `confirmed_at` None; set it.
    """


def delegation_cancelled(delegation: Delegation) -> None:
    """HOOK (regsec): the State cancelled its delegation (notice to focal point and delegates)."""


def delegation_approved(delegation: Delegation, approved: list[Delegate]) -> None:
    """HOOK (regsec): confirmation with .ics and badge QR code, to each delegate approved."""


def delegation_rejected(delegation: Delegation, reason: str) -> None:
    """HOOK (regsec): the rejection and its reason, to the focal point."""


def delegate_approved(delegate: Delegate) -> None:
    """HOOK (regsec): confirmation with .ics and badge QR code, to one delegate."""


def delegate_rejected(delegate: Delegate, reason: str) -> None:
    """HOOK (regsec): one delegate refused, with the reason."""


def delegate_cancelled(delegate: Delegate) -> None:
    """HOOK (regsec): a delegate's registration was cancelled (notice to the person)."""


def self_registration_received(delegate: Delegate) -> None:
    """HOOK (regsec): notice to the focal point that a national registered themselves."""


def self_registration_accepted(delegate: Delegate) -> None:
    """HOOK (regsec): the person hears that the focal point took them into the delegation."""


def self_registration_declined(delegate: Delegate, reason: str) -> None:
    """HOOK (regsec): the person hears that the focal point refused their registration."""
