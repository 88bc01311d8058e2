"""The Secretariat's exports of delegations, delegates and speakers, as CSV or XLSX.

Each export is one query (two for speakers), whatever the number of rows; every cell goes
through plenary.spreadsheets, which keeps a typed "=..." from running as a formula.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from plenary.extensions import db
from plenary.models import Country, Event, Organisation
from plenary.spreadsheets import CSV_MIMETYPE, XLSX_MIMETYPE, csv_bytes, xlsx_bytes

from .models import Delegate, Delegation
from .speakers import speakers

FORMATS = {"csv": CSV_MIMETYPE, "xlsx": XLSX_MIMETYPE}
KINDS = ("delegations", "delegates", "speakers")

DELEGATION_HEADER = [
    "code", "party", "region", "state", "participates", "head_level", "speaking_request",
    "speaking_requested_at", "panel_interest", "networking_interest", "contribution_offer",
    "public_list_consent", "focal_point_name", "focal_point_email", "delegates_counted",
    "note_verbale", "submitted_at", "approved_at", "decision_reason", "comment",
]  # fmt: skip
DELEGATE_HEADER = [
    "code", "party", "region", "badge_number", "honorific", "given_name", "family_name",
    "function", "institution", "email", "phone", "language", "role", "days", "attendance",
    "accessibility_needs", "visa_letter_needed", "self_registered", "state", "approved_at",
    "decision_reason",
]  # fmt: skip
SPEAKER_HEADER = [
    "position", "code", "party", "head_level", "head_of_delegation", "requested_at",
    "placed_by_hand", "reason",
]  # fmt: skip


def _party(delegation: Delegation) -> tuple[str, str, str]:
    country = delegation.country
    if country is not None:
        return country.code, country.name("en"), country.region
    organisation = delegation.organisation
    return organisation.acronym, organisation.name("en"), ""


def _ordered(query):
    return query.outerjoin(Country, Delegation.country_id == Country.id).outerjoin(
        Organisation, Delegation.organisation_id == Organisation.id
    )


def delegation_rows(event: Event) -> Iterator[list[Any]]:
    delegations = db.session.scalars(
        _ordered(select(Delegation))
        .where(Delegation.event_id == event.id)
        .options(joinedload(Delegation.country), joinedload(Delegation.organisation))
        .order_by(Country.code, Organisation.acronym, Delegation.id)
    )
    for delegation in delegations:
        yield [
            *_party(delegation), delegation.state, delegation.participates,
            delegation.head_level, delegation.speaking_request,
            delegation.speaking_requested_at, delegation.panel_interest,
            delegation.networking_interest, delegation.contribution_offer,
            delegation.public_list_consent, delegation.focal_point_name,
            delegation.focal_point_email, delegation.delegate_count,
            delegation.note_verbale_id is not None, delegation.submitted_at,
            delegation.approved_at, delegation.decision_reason, delegation.comment,
        ]  # fmt: skip


def delegate_rows(event: Event) -> Iterator[list[Any]]:
    rows = db.session.execute(
        _ordered(select(Delegate, Delegation).join(Delegation, Delegate.delegation))
        .where(Delegate.event_id == event.id)
        .options(joinedload(Delegation.country), joinedload(Delegation.organisation))
        .order_by(
            Country.code, Organisation.acronym, Delegate.role, Delegate.family_name, Delegate.id
        )
    )
    for delegate, delegation in rows:
        yield [
            *_party(delegation), delegate.badge_number, delegate.honorific, delegate.given_name,
            delegate.family_name, delegate.function, delegate.institution, delegate.email,
            delegate.phone, delegate.language, delegate.role, " ".join(delegate.days or []),
            delegate.attendance, delegate.accessibility_needs, delegate.visa_letter_needed,
            delegate.self_registered, delegate.state, delegate.approved_at,
            delegate.decision_reason,
        ]  # fmt: skip


def speaker_rows(event: Event) -> Iterator[list[Any]]:
    for speaker in speakers(event):
        code, party, _region = _party(speaker.delegation)
        yield [
            speaker.position, code, party, speaker.delegation.head_level,
            speaker.head.display_name if speaker.head is not None else "",
            speaker.requested_at, speaker.placed_by_hand, speaker.reason,
        ]  # fmt: skip


_EXPORTS = {
    "delegations": (DELEGATION_HEADER, delegation_rows),
    "delegates": (DELEGATE_HEADER, delegate_rows),
    "speakers": (SPEAKER_HEADER, speaker_rows),
}


def export(event: Event, kind: str, file_format: str) -> tuple[bytes, str, str]:
    """(content, mimetype, filename) of one export; kind and format are checked by the caller."""
    header, rows = _EXPORTS[kind]
    filename = f"{event.slug}-{kind}.{file_format}"
    if file_format == "xlsx":
        return xlsx_bytes(kind, header, rows(event)), XLSX_MIMETYPE, filename
    return csv_bytes(header, rows(event)), CSV_MIMETYPE, filename
