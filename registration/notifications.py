"""The focal point side's own emails, through the outbox, in the recipient's language.

The registration lifecycle emails (acknowledgement, confirmation, rejection...) are in
registration.notify, written by the Secretariat's side.
"""

from __future__ import annotations

from plenary import outbox
from plenary.extensions import db

from .access import focal_url, offices_of
from .models import Delegation, SideEventPlace


def enqueue_contribution_offer(delegation: Delegation) -> None:
    """Forward a State's offer to contribute to the costs to the event's contributions address."""
    event = delegation.event
    if not event.contributions_email:
        return
    language = "en"
    email = outbox.render_email(
        "registration/contribution_offer", language, delegation=delegation, event=event,
        party=delegation.party_name(language),
    )  # fmt: skip
    outbox.enqueue(
        kind="registration.contribution_offer",
        recipients=[event.contributions_email],
        email=email,
        language=language,
        subject_ref=f"delegation:{delegation.id}",
        reply_to=delegation.focal_point_email or None,
    )


def enqueue_answer_to_other_offices(
    delegation: Delegation, addressee_id: int, previous_addressee_id: int | None
) -> None:
    """Tell a State's other offices that one of them answered for the State (they share one)."""
    offices = offices_of(delegation.event_id, delegation.country_id, delegation.organisation_id)
    answering = next((i.addressee for i in offices if i.addressee_id == addressee_id), None)
    if answering is None:
        return
    for invitation in offices:
        addressee = invitation.addressee
        if addressee.id == addressee_id or not addressee.recipients:
            continue
        language = invitation.language
        email = outbox.render_email(
            "registration/answer_by_other_office", language, delegation=delegation,
            event=delegation.event, party=delegation.party_name(language), answering=answering,
            url=focal_url(invitation),
        )  # fmt: skip
        outbox.enqueue(
            kind="registration.answer_by_other_office",
            recipients=addressee.recipients,
            email=email,
            language=language,
            subject_ref=f"delegation:{delegation.id}",
        )


def enqueue_place_confirmed(place: SideEventPlace) -> None:
    """The person promoted from a side event's waiting list hears that they have a place."""
    delegate = place.delegate
    language = delegate.language
    email = outbox.render_email(
        "registration/side_event_place", language, place=place, delegate=delegate,
        session=place.session, event=place.session.event,
    )  # fmt: skip
    outbox.enqueue(
        kind="registration.side_event_promoted",
        recipients=[delegate.email],
        email=email,
        language=language,
        subject_ref=f"side_event_place:{place.id}",
    )


def enqueue_new_link(invitation, *, reissued: bool) -> None:
    """A personal link sent again to the addressee (asked for on the site, or reissued by staff)."""
    addressee = invitation.addressee
    if not addressee.recipients:
        return
    language = invitation.language
    email = outbox.render_email(
        "registration/new_link", language, invitation=invitation, event=invitation.circular.event,
        party=addressee.party_name(language), url=focal_url(invitation), reissued=reissued,
    )  # fmt: skip
    outbox.enqueue(
        kind="registration.new_link",
        recipients=addressee.recipients,
        email=email,
        language=language,
        subject_ref=f"invitation:{invitation.id}",
        reply_to=invitation.circular.contact_email or None,
    )
    db.session.flush()
