"""The Secretariat's exports of delegations, delegates, speakers and side events' places, as
CSV or XLSX.

Each export is one query (two for speakers), whatever the number of rows; every cell goes
through plenary.spreadsheets, which keeps a typed "=..." from running as a formula.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select

from plenary.extensions import db
from plenary.i18n import pick
from plenary.models import Country, Event, EventSession, Organisation
from plenary.spreadsheets import CSV_MIMETYPE, XLSX_MIMETYPE, csv_bytes, xlsx_bytes

from .events import utc_to_local
from .models import Delegate, Delegation, PlaceState, SideEventPlace
from .speakers import speakers

FORMATS = {"csv": CSV_MIMETYPE, "xlsx": XLSX_MIMETYPE}
KINDS = ("delegations", "delegates", "speakers", "side_events")

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
SIDE_EVENT_HEADER = [
    "side_event", "starts_at", "capacity", "place", "waiting_position", "code", "party",
    "honorific", "given_name", "family_name", "email", "requested_at", "confirmed_at",
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


def _party_columns():
    """Code, English name and region of a delegation's country or organisation, in SQL."""
    return (
        func.coalesce(Country.code, Organisation.acronym),
        Country.names,
        Organisation.names,
        Country.region,
    )


def _party_values(code, country_names, organisation_names, region) -> list[Any]:
    names = country_names or organisation_names or {}
    return [code, names.get("en") or next(iter(names.values()), ""), region or ""]


def _ordered(query):
    return query.outerjoin(Country, Delegation.country_id == Country.id).outerjoin(
        Organisation, Delegation.organisation_id == Organisation.id
    )


def _enum(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def delegation_rows(event: Event) -> Iterator[list[Any]]:
    """One row a delegation, read as plain columns (no objects: 2,000 rows stay fast)."""
    query = _ordered(
        select(
            *_party_columns(),
            Delegation.state,
            Delegation.participates,
            Delegation.head_level,
            Delegation.speaking_request,
            Delegation.speaking_requested_at,
            Delegation.panel_interest,
            Delegation.networking_interest,
            Delegation.contribution_offer,
            Delegation.public_list_consent,
            Delegation.focal_point_name,
            Delegation.focal_point_email,
            Delegation.delegate_count,
            Delegation.note_verbale_id.is_not(None),
            Delegation.submitted_at,
            Delegation.approved_at,
            Delegation.decision_reason,
            Delegation.comment,
        )
    )
    query = query.where(Delegation.event_id == event.id).order_by(
        Country.code, Organisation.acronym, Delegation.id
    )
    for row in db.session.execute(query):
        yield [*_party_values(*row[:4]), *(_enum(value) for value in row[4:])]


def _parties(event: Event) -> dict[int, list[Any]]:
    """Each delegation's code, English name and region (one query, a row a delegation)."""
    query = _ordered(select(Delegation.id, *_party_columns())).where(
        Delegation.event_id == event.id
    )
    return {row[0]: _party_values(*row[1:]) for row in db.session.execute(query)}


def delegate_rows(event: Event) -> Iterator[list[Any]]:
    """One row a delegate, read as plain columns; the parties are read once, not per row."""
    parties = _parties(event)
    query = _ordered(
        select(
            Delegate.delegation_id, Delegate.badge_number, Delegate.honorific,
            Delegate.given_name, Delegate.family_name, Delegate.function, Delegate.institution,
            Delegate.email, Delegate.phone, Delegate.language, Delegate.role, Delegate.days,
            Delegate.attendance, Delegate.accessibility_needs, Delegate.visa_letter_needed,
            Delegate.self_registered, Delegate.state, Delegate.approved_at,
            Delegate.decision_reason,
        ).join(Delegation, Delegate.delegation_id == Delegation.id)
    )  # fmt: skip
    query = query.where(Delegate.event_id == event.id).order_by(
        Country.code, Organisation.acronym, Delegate.role, Delegate.family_name, Delegate.id
    )
    for row in db.session.execute(query):
        values = [_enum(value) for value in row[1:]]
        values[10] = " ".join(values[10] or [])  # the days attended
        yield [*parties.get(row[0], ["", "", ""]), *values]


def speaker_rows(event: Event) -> Iterator[list[Any]]:
    for speaker in speakers(event):
        code, party, _region = _party(speaker.delegation)
        yield [
            speaker.position, code, party, speaker.delegation.head_level,
            speaker.head.display_name if speaker.head is not None else "",
            speaker.requested_at, speaker.placed_by_hand, speaker.reason,
        ]  # fmt: skip


def side_event_rows(event: Event) -> Iterator[list[Any]]:
    """Who has a place at each side event, then who waits, in their turn (one query).

    Times are in the event's time zone, as the programme shows them.
    """
    parties = _parties(event)
    query = (
        select(
            EventSession.id, EventSession.title, EventSession.starts_at, EventSession.capacity,
            SideEventPlace.state, Delegate.delegation_id, Delegate.honorific,
            Delegate.given_name, Delegate.family_name, Delegate.email,
            SideEventPlace.requested_at, SideEventPlace.confirmed_at,
        )
        .join(EventSession, SideEventPlace.session_id == EventSession.id)
        .join(Delegate, SideEventPlace.delegate_id == Delegate.id)
        .where(EventSession.event_id == event.id, SideEventPlace.state != PlaceState.CANCELLED)
        .order_by(EventSession.starts_at, EventSession.id, SideEventPlace.state,
                  SideEventPlace.requested_at, SideEventPlace.id)
    )  # fmt: skip

    def local(moment):
        return utc_to_local(moment, event.timezone).replace(tzinfo=None) if moment else None

    in_line: dict[int, int] = {}  # by side event: two may share a title
    for row in db.session.execute(query):
        session_id, title, starts_at, capacity, state, delegation_id, *person = row[:-2]
        position = None
        if state == PlaceState.WAITING:
            in_line[session_id] = position = in_line.get(session_id, 0) + 1
        code, party, _region = parties.get(delegation_id, ["", "", ""])
        yield [
            pick(title, "en"), local(starts_at), capacity, _enum(state), position, code, party,
            *person, local(row.requested_at), local(row.confirmed_at),
        ]  # fmt: skip


_EXPORTS = {
    "delegations": (DELEGATION_HEADER, delegation_rows),
    "delegates": (DELEGATE_HEADER, delegate_rows),
    "speakers": (SPEAKER_HEADER, speaker_rows),
    "side_events": (SIDE_EVENT_HEADER, side_event_rows),
}


def export(event: Event, kind: str, file_format: str) -> tuple[bytes, str, str]:
    """(content, mimetype, filename) of one export; kind and format are checked by the caller."""
    header, rows = _EXPORTS[kind]
    filename = f"{event.slug}-{kind}.{file_format}"
    if file_format == "xlsx":
        return xlsx_bytes(kind, header, rows(event)), XLSX_MIMETYPE, filename
    return csv_bytes(header, rows(event)), CSV_MIMETYPE, filename
