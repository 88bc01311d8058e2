"""The one place that knows how a sender's address leads to their State's delegation.

A focal point (the delegation's or an addressee of the State) or a delegate of it.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import func, select

from plenary.extensions import db


def delegation_for_sender(email: str, event_id: int | None):
    """The delegation whose focal point or addressee writes from this address, or None."""
    from plenary.invitations.models import Addressee
    from plenary.registration.models import Delegate, Delegation

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
    delegation = db.session.scalar(
        select(Delegation)
        .join(Delegate, Delegate.delegation_id == Delegation.id)
        .where(Delegation.event_id == event_id, Delegate.email == email)
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


def delegation_url(delegation) -> str:
    """The Secretariat's page of the delegation, where its registration is reviewed."""
    return url_for(
        "registration.review_delegation",
        event_id=delegation.event_id,
        delegation_id=delegation.id,
    )
