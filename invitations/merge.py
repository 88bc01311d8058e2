"""Merge fields: {addressee} {honorific} {full_name} {title} {institution} {country} {city}.

They are filled in an annex's heading, text and address block, in the letter's language:
the directory's value in that language where it has one, else the value as entered.
"""

from __future__ import annotations

import re

from .honorifics import honorific_in, with_name
from .models import Addressee

FIELDS = ("addressee", "honorific", "full_name", "title", "institution", "country", "city")
LOCALISED_FIELDS = ("full_name", "title", "institution", "city")
_FIELD = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")


def fields_used(text: str) -> set[str]:
    """Every {name} in a text."""
    return {match.group(1) for match in _FIELD.finditer(text or "")}


def unknown_fields(text: str) -> set[str]:
    """The {names} in a text that are not merge fields."""
    return fields_used(text) - set(FIELDS)


def values_for(addressee: Addressee, language: str) -> dict[str, str]:
    """The merge values of one addressee in a language, the State or organisation named in it."""
    name = addressee.text("full_name", language)
    return {
        "addressee": with_name(addressee.honorific, name, language),
        "honorific": honorific_in(addressee.honorific, language),
        "full_name": name,
        "title": addressee.text("title", language),
        "institution": addressee.text("institution", language),
        "country": addressee.party_name(language),
        "city": addressee.text("city", language),
    }


def fill(text: str, values: dict[str, str]) -> str:
    """Replace each known {field}; lines left empty by a blank field are dropped."""
    lines = []
    for line in (text or "").splitlines():
        filled = _FIELD.sub(lambda match: values.get(match.group(1), match.group(0)), line)
        if fields_used(line) and not filled.strip():
            continue
        lines.append(filled.rstrip())
    return "\n".join(lines)
