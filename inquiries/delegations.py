"""The one place that knows how a sender's address leads to their State's delegation.

Registration's models are growing (delegates, several focal points); keep the lookup here.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import func, select
from werkzeug.routing import BuildError

from plenary.extensions import db

# The Secretariat's page of one delegation; the first endpoint that exists is linked.
DELEGATION_ENDPOINTS = ("registration.delegation_review", "registration.delegation_show")


def delegation_for_sender(email: str, event_id: int | None):
    """The delegation whose focal point or addressee writes from this address, or None."""
    from plenary.invitations.models import Addressee
    from plenary.registration.models import Delegation

    if not email or event_id is None:
        return None
    email = email.strip().lower()
    delegation = db.session.scalar(
        select(Delegation)
        .where(Delegation.event_id == event_id, func.lower(Delegation.focal_point_email) == email)
        .limit(1)
    )
    if delegation is not None:
        return delegation
    addressee = db.session.scalar(
        select(Addressee).where(func.lower(Addressee.email) == email).limit(1)
    )
    if addressee is None:
        return None
    party = (
        Delegation.country_id == addressee.country_id
        if addressee.country_id
        else Delegation.organisation_id == addressee.organisation_id
    )
    return db.session.scalar(
        select(Delegation).where(Delegation.event_id == event_id, party).limit(1)
    )


def delegation_url(delegation) -> str | None:
    """The link to the delegation's page, when registration has one."""
    for endpoint in DELEGATION_ENDPOINTS:
        try:
            return url_for(endpoint, delegation_id=delegation.id)
        except BuildError:
            continue
    return None
