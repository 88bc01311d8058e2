"""Canned answers: merge fields filled for one inquiry."""

from __future__ import annotations

import re

from plenary.models import User

from .models import Inquiry

FIELDS = ("name", "reference", "subject", "event", "staff_name")
_FIELD = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")


def unknown_fields(text: str) -> set[str]:
    return {match.group(1) for match in _FIELD.finditer(text)} - set(FIELDS)


def fill(text: str, inquiry: Inquiry, user: User) -> str:
    """The text with {name}, {reference}, ... replaced for this inquiry and staff member."""
    values = {
        "name": inquiry.sender_name or inquiry.sender_email,
        "reference": inquiry.reference or "",
        "subject": inquiry.subject,
        "event": inquiry.event.title_in(inquiry.language) if inquiry.event else "",
        "staff_name": user.full_name or user.email,
    }
    return _FIELD.sub(lambda match: values.get(match.group(1), match.group(0)), text)
