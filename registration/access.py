"""Who may open a focal point's page: the personal link, bound to the invitation that issued it.

A link carries the invitation's id and its `link_version`. It stops working (with a page that
says why, and a way to ask for a new link) when the invitation is withdrawn, when the Secretariat
reissues it (the version moves on), when the addressee is deactivated, or when the addressee now
speaks for another State. Anything else in the signed payload is only a cross-check.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass

from flask import Request
from sqlalchemy import Select, and_, bindparam, exists, inspect, or_, select
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from plenary.extensions import db
from plenary.invitations.models import Addressee, Circular, Invitation
from plenary.links import LinkExpired, LinkInvalid, make_token, personal_url, read_token
from plenary.models import Event

from .models import Delegation, DelegationChange

# The purpose of the personal links that circulars carry (see invitations.notifications).
INVITATION_LINK = "invitation"
# What the focal point's pages read with a delegation. A delegation is a few people: joined
# to it, they cost no statement of their own. Their side-event places are for one page only,
# which reads them itself (`side_events.places_of`).
DELEGATION_LOADS = (joinedload(Delegation.delegates), joinedload(Delegation.note_verbale))


class LinkProblem(enum.StrEnum):
    INVALID = "invalid"
    EXPIRED = "expired"
    PREVIEW = "preview"
    WITHDRAWN = "withdrawn"
    REPLACED = "replaced"
    DEACTIVATED = "deactivated"
    MOVED = "moved"
    UNPUBLISHED = "unpublished"


# The HTTP status of each problem: gone for what was genuine once, not found for the rest.
PROBLEM_STATUS = {
    LinkProblem.INVALID: 404,
    LinkProblem.EXPIRED: 410,
    LinkProblem.PREVIEW: 404,
    LinkProblem.WITHDRAWN: 410,
    LinkProblem.REPLACED: 410,
    LinkProblem.DEACTIVATED: 410,
    LinkProblem.MOVED: 410,
    LinkProblem.UNPUBLISHED: 404,
}


class LinkRefused(Exception):
    def __init__(self, problem: LinkProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.status = PROBLEM_STATUS[problem]


@dataclass
class FocalPoint:
    """The person behind a working personal link: one office of one State, for one event."""

    invitation: Invitation
    addressee: Addressee
    event: Event
    token: str
    # The State's delegation to the event with its members, read with the link; None until
    # the State first answers.
    delegation: Delegation | None = None

    def fresh(self) -> bool:
        """Whether what was read with the link still holds: no commit or rollback since."""
        return not inspect(self.invitation).expired

    @property
    def country_id(self) -> int | None:
        return self.addressee.country_id

    @property
    def organisation_id(self) -> int | None:
        return self.addressee.organisation_id

    @property
    def code(self) -> str:
        if self.addressee.country is not None:
            return self.addressee.country.code
        return self.addressee.organisation.acronym if self.addressee.organisation else ""

    @property
    def actor(self) -> str:
        """How the audit log names them."""
        return f"focal point ({self.code})"

    def party_name(self, language: str | None = None) -> str:
        return self.addressee.party_name(language)


def link_payload(invitation: Invitation) -> dict:
    addressee = invitation.addressee
    return {
        "invitation": invitation.id,
        "v": invitation.link_version,
        "event": invitation.circular.event_id,
        "country": addressee.country_id,
        "organisation": addressee.organisation_id,
    }


def focal_token(invitation: Invitation) -> str:
    return make_token(INVITATION_LINK, link_payload(invitation))


def focal_url(invitation: Invitation) -> str:
    """The absolute personal link of an invitation, in the addressee's language."""
    return personal_url(
        "registration.delegation_answer",
        INVITATION_LINK,
        link_payload(invitation),
        lang=invitation.language,
    )


def open_link(token: str) -> FocalPoint:
    """The focal point a token speaks for, or LinkRefused with the reason."""
    try:
        payload = read_token(INVITATION_LINK, token)
    except LinkExpired:
        raise LinkRefused(LinkProblem.EXPIRED) from None
    except LinkInvalid:
        raise LinkRefused(LinkProblem.INVALID) from None
    invitation_id = payload.get("invitation")
    if invitation_id == 0:
        raise LinkRefused(LinkProblem.PREVIEW)
    if not isinstance(invitation_id, int) or isinstance(invitation_id, bool):
        raise LinkRefused(LinkProblem.INVALID)
    found = _link_records(invitation_id) if 0 < invitation_id < 2**31 else None
    if found is None:
        raise LinkRefused(LinkProblem.INVALID)
    invitation, delegation = found
    if invitation.withdrawn_at is not None:
        raise LinkRefused(LinkProblem.WITHDRAWN)
    if payload.get("v", 1) != invitation.link_version:
        raise LinkRefused(LinkProblem.REPLACED)
    addressee = invitation.addressee
    if not addressee.active:
        raise LinkRefused(LinkProblem.DEACTIVATED)
    if (payload.get("country"), payload.get("organisation")) != (
        addressee.country_id,
        addressee.organisation_id,
    ):
        raise LinkRefused(LinkProblem.MOVED)
    event = invitation.circular.event
    if event.id != payload.get("event"):
        raise LinkRefused(LinkProblem.INVALID)
    if not event.published:
        raise LinkRefused(LinkProblem.UNPUBLISHED)
    return FocalPoint(invitation=invitation, addressee=addressee, event=event, token=token,
                      delegation=delegation)  # fmt: skip


def _link_records(invitation_id: int) -> tuple[Invitation, Delegation | None] | None:
    """The invitation and all that its pages show, in one statement: its addressee and State,
    circular and event, and the delegation they speak for, with its members.

    The same statement says whether the delegation has recorded changes: most have none
    (none are recorded before submission), and then their list is known empty without
    another statement.
    """
    result = db.session.execute(_link_statement(), {"invitation_id": invitation_id})
    row = result.unique().one_or_none()
    if row is None:
        return None
    invitation, delegation, has_changes = row
    if delegation is not None and not has_changes:
        set_committed_value(delegation, "changes", [])
    return invitation, delegation


@functools.cache
def _link_statement() -> Select:
    """The statement behind every focal point's request, built once per process.

    Every page of the flow runs it: built anew each time, it cost SQLAlchemy more than the
    rest of the query (its options, then its cache key); built once, both are kept on it.
    The delegation is the one `delegations.find_delegation` finds for the addressee: the
    State's when the addressee has a country, else the organisation's.
    """
    speaks_for = or_(
        and_(Addressee.country_id.is_not(None), Delegation.country_id == Addressee.country_id),
        and_(Addressee.country_id.is_(None),
             Delegation.organisation_id == Addressee.organisation_id),
    )  # fmt: skip
    has_changes = exists().where(DelegationChange.delegation_id == Delegation.id)
    return (
        select(Invitation, Delegation, has_changes.label("has_changes"))
        .join(Invitation.addressee)
        .join(Invitation.circular)
        .outerjoin(Delegation, and_(Delegation.event_id == Circular.event_id, speaks_for))
        .where(Invitation.id == bindparam("invitation_id"))
        .options(
            # The State, joined; an organisation's office reads its organisation when a page
            # names it, one statement more (a State's office has none, which costs nothing).
            contains_eager(Invitation.addressee).joinedload(Addressee.country),
            # Not the letter's own texts in six languages: the pages show only its contact.
            contains_eager(Invitation.circular)
            .load_only(
                Circular.event_id,
                Circular.reference,
                Circular.contact_name,
                Circular.contact_names,
                Circular.contact_email,
            )
            # Not the event's description in six languages either: only its home page shows
            # it, and a joined row repeats it for each member of the delegation.
            .joinedload(Circular.event)
            .defer(Event.description),
            *DELEGATION_LOADS,
        )
    )


def is_person_opening(request: Request) -> bool:
    """A person's browser navigating to the page, not a mail scanner prefetching the link.

    Browsers send Sec-Fetch-Mode: navigate (all current ones) and an Accept-Language; link
    scanners and prefetchers send a HEAD, a prefetch purpose, or neither header.
    """
    if request.method != "GET":
        return False
    purpose = (request.headers.get("Sec-Purpose") or request.headers.get("Purpose") or "").lower()
    if "prefetch" in purpose or "prerender" in purpose:
        return False
    mode = request.headers.get("Sec-Fetch-Mode")
    if mode is not None:
        return mode == "navigate" and bool(request.headers.get("Accept-Language"))
    return bool(request.headers.get("Accept-Language")) and "text/html" in (
        request.headers.get("Accept") or ""
    )


def offices_of(event_id: int, country_id: int | None, organisation_id: int | None):
    """The invitations of a State's offices (administration, mission) for an event, still live."""
    by_country = country_id is not None
    party_id = country_id if by_country else organisation_id
    return list(
        db.session.scalars(_offices_statement(by_country), {"event": event_id, "party": party_id})
    )


@functools.cache
def _offices_statement(by_country: bool) -> Select:
    """Built once per process, as `_link_statement` is: every answer and submission runs it."""
    party = Addressee.country_id if by_country else Addressee.organisation_id
    return (
        select(Invitation)
        .join(Invitation.circular)
        .join(Invitation.addressee)
        .where(
            Circular.event_id == bindparam("event"),
            party == bindparam("party"),
            Invitation.withdrawn_at.is_(None),
            Addressee.active.is_(True),
        )
        .order_by(Invitation.id)
    )
