"""Builders for the registration tests: an open event, a State with invitations, delegates."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from plenary.extensions import db
from plenary.invitations.models import Invitation
from plenary.models import EventSession, SessionKind
from plenary.registration import delegations
from plenary.registration.access import focal_token
from plenary.registration.models import DelegateRole, DelegationState
from tests.factories import make_addressee, make_circular, make_country, make_event

NOW = datetime.now(UTC)


def open_event(**fields):
    """An event whose registration is open now."""
    fields.setdefault("registration_opens_at", NOW - timedelta(days=10))
    fields.setdefault("registration_closes_at", NOW + timedelta(days=10))
    fields.setdefault("max_delegation_size", 5)
    fields.setdefault("contributions_email", "contributions@example.org")
    event = make_event(**fields)
    # Held a month from now, so that links to it are still worth sending.
    event.starts_on = (NOW + timedelta(days=30)).date()
    event.ends_on = (NOW + timedelta(days=31)).date()
    return event


def invited_state(event, code="EE", emails=("ministry@example.ee", "mission@example.ee"),
                  languages=("en", "fr"), circular=None):  # fmt: skip
    """A State with an administration and a mission, each invited by one circular."""
    country = make_country(code)
    circular = circular or make_circular(event)
    invitations = []
    for kind, email, language in zip(("administration", "mission"), emails, languages,
                                     strict=False):  # fmt: skip
        addressee = make_addressee(
            country, kind=kind, email=email, language=language,
            full_name="Ms Kaja Tamm" if kind == "administration" else "Mr Jaan Kask",
        )  # fmt: skip
        invitation = Invitation(circular=circular, addressee=addressee, language=language)
        db.session.add(invitation)
        invitations.append(invitation)
    db.session.flush()
    return country, invitations


def link_of(invitation: Invitation) -> str:
    return f"/delegation/{focal_token(invitation)}"


def person(number: int, role=DelegateRole.MEMBER, **fields) -> delegations.DelegateDetails:
    return delegations.DelegateDetails(
        given_name=fields.pop("given_name", f"Given{number}"),
        family_name=fields.pop("family_name", f"Family{number}"),
        email=fields.pop("email", f"person{number}@example.ee"),
        role=role,
        **fields,
    )


def side_event(event, capacity=2, title="Networking reception"):
    session = EventSession(
        event=event,
        kind=SessionKind.NETWORKING,
        title={"en": title, "fr": "Réception"},
        starts_at=datetime.combine(event.starts_on, time(15), UTC),
        ends_at=datetime.combine(event.starts_on, time(17), UTC),
        capacity=capacity,
    )
    db.session.add(session)
    db.session.flush()
    return session


def received(delegation):
    """Submitted, as the Secretariat holds it: its delegates may take side-event places."""
    delegation.state = DelegationState.SUBMITTED
    delegation.submitted_at = NOW
    return delegation
