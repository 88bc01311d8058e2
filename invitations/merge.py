"""Merge fields: {honorific} {full_name} {title} {country} {city} in an annex's text."""

from __future__ import annotations

import re

from .models import Addressee

FIELDS = ("honorific", "full_name", "title", "country", "city")
_FIELD = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")


def fields_used(text: str) -> set[str]:
    """Every {name} in a text."""
    return {match.group(1) for match in _FIELD.finditer(text or "")}


def unknown_fields(text: str) -> set[str]:
    """The {names} in a text that are not merge fields."""
    return fields_used(text) - set(FIELDS)


def values_for(addressee: Addressee, language: str) -> dict[str, str]:
    """The merge values of one addressee, the State or organisation named in the language."""
    return {
        "honorific": addressee.honorific,
        "full_name": addressee.full_name,
        "title": addressee.title,
        "country": addressee.party_name(language),
        "city": addressee.city,
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
