"""The words shown for the registration's states and choices, in the reader's language."""

from __future__ import annotations

from typing import Any

from plenary.i18n import lazy_gettext as _l
from plenary.models import utcnow

from . import bp
from .focal_forms import ATTENDANCE, ROLES, DelegateForm, IntentForm
from .forms import HEAD_LEVELS

DELEGATE_STATES = {
    "requested": _l("awaiting the focal point"),
    "pending": _l("awaiting the Secretariat"),
    "approved": _l("approved"),
    "rejected": _l("not accepted"),
    "cancelled": _l("cancelled"),
}
CHANGES = {
    "intent": _l("Participation changed"),
    "note_verbale": _l("Note verbale uploaded"),
    "delegate.add": _l("Delegate added"),
    "delegate.edit": _l("Delegate changed"),
    "delegate.photo": _l("Photograph changed"),
    "delegate.cancel": _l("Delegate cancelled"),
    "cancel": _l("Delegation cancelled"),
    "secretariat.edit": _l("Changed by the Secretariat"),
}


def _field_labels(*forms) -> dict[str, Any]:
    """The label of each field of these forms, by the field's name (a change lists names)."""
    labels = {}
    for form in forms:
        for name in dir(form):
            unbound = getattr(form, name)
            if hasattr(unbound, "field_class") and unbound.args:
                labels.setdefault(name, unbound.args[0])
    return labels


FIELDS = {
    **_field_labels(DelegateForm, IntentForm),
    "participates": _l("Participation"),
    "state": _l("State"),
}


_HEAD_LEVELS = {choice.value: choice.label for choice in HEAD_LEVELS}


@bp.app_context_processor
def registration_labels() -> dict[str, Any]:
    return {
        "roles": {choice.value: choice.label for choice in ROLES},
        "attendances": {choice.value: choice.label for choice in ATTENDANCE},
        "head_levels": {choice.value: choice.label for choice in HEAD_LEVELS},
        "delegate_states": DELEGATE_STATES,
        "change_labels": CHANGES,
        "field_labels": FIELDS,
        "now_utc": utcnow(),
        "head_level_label": lambda value: _HEAD_LEVELS.get(value, value),
    }
