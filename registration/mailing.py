"""Which registration email goes to whom: the models mapped onto `registration.emails`."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from plenary import outbox
from plenary.extensions import db
from plenary.i18n import DEFAULT_LANGUAGE, LANGUAGES
from plenary.i18n import lazy_gettext as _l
from plenary.links import external_url
from plenary.models import OutboxMessage, utcnow

from . import emails
from .models import Attendance, Delegate, Delegation, SideEventPlace
from .visa import VisaLetterFacts, render_visa_letter_pdf

_ATTENDANCE = {Attendance.IN_PERSON: _l("in person"), Attendance.ONLINE: _l("online")}
_ROLES = {"head": _l("head of delegation"), "deputy": _l("deputy head"), "member": _l("member"),
          "adviser": _l("adviser")}  # fmt: skip


def focal_point_language(delegation: Delegation) -> str:
    """The language of the office that answered for the State, else English."""
    addressee_id = delegation.answered_by_addressee_id
    if addressee_id is not None:
        from invitations.models import Addressee  # the directory belongs to invitations

        addressee = db.session.get(Addressee, addressee_id)
        if addressee is not None and addressee.language in LANGUAGES:
            return addressee.language
    return DEFAULT_LANGUAGE


def focal_point_recipients(delegation: Delegation) -> list[str]:
    """The focal point's address, else the addresses of the office that answered."""
    if delegation.focal_point_email:
        return [delegation.focal_point_email]
    if delegation.answered_by_addressee_id is not None:
        from invitations.models import Addressee

        addressee = db.session.get(Addressee, delegation.answered_by_addressee_id)
        if addressee is not None:
            return list(addressee.recipients)
    return []


def focal_point_url(delegation: Delegation) -> str:
    """The focal point's personal link: that of the invitation of the office that answered."""
    from invitations.models import Addressee, Circular, Invitation
    from invitations.notifications import invitation_url

    party = (
        Addressee.country_id == delegation.country_id
        if delegation.country_id is not None
        else Addressee.organisation_id == delegation.organisation_id
    )
    invitation = db.session.scalar(
        select(Invitation)
        .join(Circular, Invitation.circular_id == Circular.id)
        .join(Addressee, Invitation.addressee_id == Addressee.id)
        .where(Circular.event_id == delegation.event_id, party)
        .order_by(
            (Invitation.addressee_id == delegation.answered_by_addressee_id).desc(),
            Invitation.id.desc(),
        )
        .limit(1)
    )
    if invitation is None:
        return external_url("registration.event_home")
    return invitation_url(invitation)


def _days(delegate: Delegate) -> list[date]:
    days = []
    for value in delegate.days or []:
        try:
            days.append(date.fromisoformat(value))
        except (TypeError, ValueError):
            continue
    return days


def attendance_label(delegate: Delegate, language: str) -> str:
    return emails.in_language(language, _ATTENDANCE.get(delegate.attendance, ""))


def send_confirmation(delegate: Delegate) -> OutboxMessage:
    """The approved delegate's confirmation: badge number, QR code, calendar, visa letter."""
    delegation = delegate.delegation
    language = emails.language_of(delegate.language)
    return emails.send_confirmation(
        event=delegation.event,
        language=language,
        recipients=[delegate.email],
        recipient_name=delegate.display_name,
        party=delegation.party_name(language),
        badge_number=delegate.badge_number,
        days=_days(delegate),
        attendance=attendance_label(delegate, language),
        subject_ref=f"delegate:{delegate.id}",
        visa_letter_arguments={"delegate_id": delegate.id}
        if delegate.visa_letter_needed and delegate.attendance == Attendance.IN_PERSON
        else None,
    )


def send_delegate_rejection(delegate: Delegate) -> OutboxMessage:
    """To the delegate, copied to the focal point: the registration is refused, and why."""
    delegation = delegate.delegation
    language = emails.language_of(delegate.language)
    recipients = [delegate.email, *focal_point_recipients(delegation)]
    return emails.send_rejection(
        event=delegation.event,
        language=language,
        recipients=list(dict.fromkeys(recipients)),
        recipient_name=delegate.display_name,
        party=delegation.party_name(language),
        reason=delegate.decision_reason,
        person=delegate.display_name,
        subject_ref=f"delegate:{delegate.id}",
    )


def send_delegation_rejection(delegation: Delegation) -> OutboxMessage | None:
    """To the focal point: the delegation is refused, why, and the link to correct it."""
    recipients = focal_point_recipients(delegation)
    if not recipients:
        return None
    language = focal_point_language(delegation)
    return emails.send_rejection(
        event=delegation.event,
        language=language,
        recipients=recipients,
        recipient_name=delegation.focal_point_name,
        party=delegation.party_name(language),
        reason=delegation.decision_reason,
        url=focal_point_url(delegation),
        subject_ref=f"delegation:{delegation.id}",
    )


def send_acknowledgement(delegation: Delegation, resubmission: bool = False):
    """To the focal point: the delegation (or its changes) reached the Secretariat."""
    recipients = focal_point_recipients(delegation)
    if not recipients:
        return None
    language = focal_point_language(delegation)
    delegates = [
        emails.DelegateLine(
            delegate.display_name, emails.in_language(language, _ROLES.get(str(delegate.role), ""))
        )
        for delegate in delegation.active_delegates
    ]
    return emails.send_acknowledgement(
        event=delegation.event,
        language=language,
        recipients=recipients,
        recipient_name=delegation.focal_point_name,
        party=delegation.party_name(language),
        delegates=delegates,
        url=focal_point_url(delegation),
        subject_ref=f"delegation:{delegation.id}",
        resubmission=resubmission,
    )


def send_self_registration_notice(delegate: Delegate):
    """To the focal point: a national registered and waits for their decision."""
    delegation = delegate.delegation
    recipients = focal_point_recipients(delegation)
    if not recipients:
        return None
    language = focal_point_language(delegation)
    return emails.send_self_registration_notice(
        event=delegation.event,
        language=language,
        recipients=recipients,
        recipient_name=delegation.focal_point_name,
        party=delegation.party_name(language),
        person=delegate.display_name,
        person_email=delegate.email,
        person_function=", ".join(p for p in (delegate.function, delegate.institution) if p),
        url=focal_point_url(delegation),
        subject_ref=f"delegate:{delegate.id}",
    )


def send_incomplete_reminder(delegation: Delegation, missing: list):
    """To the focal point: what the delegation still lacks."""
    recipients = focal_point_recipients(delegation)
    if not recipients:
        return None
    language = focal_point_language(delegation)
    return emails.send_incomplete_reminder(
        event=delegation.event,
        language=language,
        recipients=recipients,
        recipient_name=delegation.focal_point_name,
        party=delegation.party_name(language),
        missing=[emails.in_language(language, item) for item in missing],
        url=focal_point_url(delegation),
        subject_ref=f"delegation:{delegation.id}",
    )


def send_waitlist_promotion(place: SideEventPlace) -> OutboxMessage:
    """To a delegate taken off a side event's waiting list."""
    delegate = place.delegate
    return emails.send_waitlist_promotion(
        event=delegate.delegation.event,
        session=place.session,
        language=emails.language_of(delegate.language),
        recipients=[delegate.email],
        recipient_name=delegate.display_name,
        subject_ref=f"delegate:{delegate.id}",
    )


@outbox.attachment_renderer(emails.VISA_RENDERER)
def visa_letter_attachment(delegate_id: int) -> bytes:
    """The visa support letter of an approved delegate, rendered when the email is sent."""
    delegate = db.session.get(
        Delegate,
        delegate_id,
        options=[joinedload(Delegate.delegation).joinedload(Delegation.country)],
    )
    if delegate is None or not delegate.badge_number:
        raise outbox.PermanentFailure(f"delegate {delegate_id} has no badge for a visa letter")
    return render_visa_letter_pdf(visa_facts(delegate))


def visa_facts(delegate: Delegate) -> VisaLetterFacts:
    delegation = delegate.delegation
    country = delegation.country
    names = dict(country.names) if country is not None else dict(delegation.organisation.names)
    return VisaLetterFacts(
        event=delegation.event,
        language=emails.language_of(delegate.language),
        honorific=delegate.honorific,
        given_name=delegate.given_name,
        family_name=delegate.family_name,
        function=delegate.function,
        institution=delegate.institution,
        country_names=names,
        badge_number=delegate.badge_number or "",
        issued_on=(delegate.approved_at or utcnow()).date(),
    )
