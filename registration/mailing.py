"""Which registration email goes to whom: the models mapped onto `registration.emails`."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import joinedload

from plenary import outbox
from plenary.extensions import db
from plenary.i18n import DEFAULT_LANGUAGE, LANGUAGES
from plenary.i18n import lazy_gettext as _l
from plenary.links import external_url
from plenary.models import OutboxMessage, utcnow

from . import access, emails
from .models import Attendance, Delegate, Delegation, SideEventPlace
from .visa import VisaLetterFacts, render_visa_letter_pdf

_ATTENDANCE = {Attendance.IN_PERSON: _l("in person"), Attendance.ONLINE: _l("online")}
_ROLES = {"head": _l("head of delegation"), "deputy": _l("deputy head"), "member": _l("member"),
          "adviser": _l("adviser")}  # fmt: skip


def _offices(delegation: Delegation) -> list:
    """The live invitations of the State's offices, the one that answered last first."""
    offices = access.offices_of(
        delegation.event_id, delegation.country_id, delegation.organisation_id
    )
    answered = delegation.answered_by_addressee_id
    return sorted(offices, key=lambda invitation: invitation.addressee_id != answered)


def focal_point_recipients(delegation: Delegation, offices: list | None = None) -> list[str]:
    """The focal point's address, else the addresses of the State's offices."""
    if delegation.focal_point_email:
        return [delegation.focal_point_email]
    offices = _offices(delegation) if offices is None else offices
    addresses = [address for office in offices
                 for address in office.addressee.recipients]  # fmt: skip
    return list(dict.fromkeys(addresses))


def _to_focal_point(delegation: Delegation, *, link: bool = True) -> dict | None:
    """Who writes to the focal point, and how: their addresses, language, name and State.

    In the language of the office that answered for the State (else of its first office),
    with that office's personal link (else the site's).
    """
    offices = _offices(delegation)
    recipients = focal_point_recipients(delegation, offices)
    if not recipients:
        return None
    language = offices[0].language if offices else DEFAULT_LANGUAGE
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    envelope = {
        "event": delegation.event,
        "language": language,
        "recipients": recipients,
        "recipient_name": delegation.focal_point_name,
        "party": delegation.party_name(language),
    }
    if link:
        envelope["url"] = (
            access.focal_url(offices[0]) if offices else external_url("registration.event_home")
        )
    return envelope


def _to_secretariat(delegation: Delegation) -> dict | None:
    """The event's Secretariat address, for what no focal point can decide: in English, with
    the delegation's review page."""
    address = delegation.event.inquiry_email
    if not address:
        return None
    return {
        "event": delegation.event,
        "language": DEFAULT_LANGUAGE,
        "recipients": [address],
        "recipient_name": "",
        "party": delegation.party_name(DEFAULT_LANGUAGE),
        "url": external_url(
            "registration.review_delegation",
            event_id=delegation.event_id,
            delegation_id=delegation.id,
        ),
        "secretariat": True,
    }


def _to_delegate(delegate: Delegate) -> dict:
    """How to write to a delegate: their address, language, name and State."""
    delegation = delegate.delegation
    language = emails.language_of(delegate.language)
    return {
        "event": delegation.event,
        "language": language,
        "recipients": [delegate.email],
        "recipient_name": delegate.display_name,
        "party": delegation.party_name(language),
        "subject_ref": f"delegate:{delegate.id}",
    }


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
    envelope = _to_delegate(delegate)
    return emails.send_confirmation(
        **envelope,
        badge_number=delegate.badge_number,
        days=_days(delegate),
        attendance=attendance_label(delegate, envelope["language"]),
        visa_letter_arguments={"delegate_id": delegate.id}
        if delegate.visa_letter_needed and delegate.attendance == Attendance.IN_PERSON
        else None,
    )


def send_delegate_rejection(delegate: Delegate) -> OutboxMessage:
    """To the delegate, copied to the focal point: the registration is refused, and why."""
    envelope = _to_delegate(delegate)
    copied = [delegate.email, *focal_point_recipients(delegate.delegation)]
    envelope["recipients"] = list(dict.fromkeys(copied))
    return emails.send_rejection(
        **envelope,
        reason=delegate.decision_reason,
        person=delegate.display_name,
    )


def send_delegation_rejection(delegation: Delegation) -> OutboxMessage | None:
    """To the focal point: the delegation is refused, why, and the link to correct it."""
    envelope = _to_focal_point(delegation)
    if envelope is None:
        return None
    return emails.send_rejection(
        **envelope,
        reason=delegation.decision_reason,
        subject_ref=f"delegation:{delegation.id}",
    )


def send_acknowledgement(delegation: Delegation, resubmission: bool = False):
    """To the focal point: the delegation (or its changes) reached the Secretariat."""
    envelope = _to_focal_point(delegation)
    if envelope is None:
        return None
    language = envelope["language"]
    delegates = [
        emails.DelegateLine(
            delegate.display_name, emails.in_language(language, _ROLES.get(str(delegate.role), ""))
        )
        for delegate in delegation.active_delegates
    ]
    return emails.send_acknowledgement(
        **envelope,
        delegates=delegates,
        subject_ref=f"delegation:{delegation.id}",
        resubmission=resubmission,
    )


def send_self_registration_notice(delegate: Delegate):
    """To the focal point: a national registered and waits for their decision."""
    delegation = delegate.delegation
    envelope = _to_focal_point(delegation)
    if envelope is None:
        envelope = _to_secretariat(delegation)
    if envelope is None:
        return None
    return emails.send_self_registration_notice(
        **envelope,
        person=delegate.display_name,
        person_email=delegate.email,
        person_function=", ".join(p for p in (delegate.function, delegate.institution) if p),
        subject_ref=f"delegate:{delegate.id}",
    )


def send_incomplete_reminder(delegation: Delegation, missing: list):
    """To the focal point: what the delegation still lacks."""
    envelope = _to_focal_point(delegation)
    if envelope is None:
        return None
    language = envelope["language"]
    return emails.send_incomplete_reminder(
        **envelope,
        missing=[emails.in_language(language, item) for item in missing],
        subject_ref=f"delegation:{delegation.id}",
    )


def send_delegation_cancellation(delegation: Delegation):
    """To the focal point: the delegation's registration is cancelled."""
    envelope = _to_focal_point(delegation, link=False)
    if envelope is None:
        return None
    return emails.send_cancellation(
        **envelope,
        subject_ref=f"delegation:{delegation.id}",
        whole_delegation=True,
        reason=delegation.decision_reason,
    )


def send_delegate_cancellation(delegate: Delegate) -> OutboxMessage:
    """To the person: their registration is cancelled."""
    return emails.send_cancellation(
        **_to_delegate(delegate),
        whole_delegation=False,
        reason=delegate.decision_reason,
    )


def send_self_registration_decision(delegate: Delegate, accepted: bool, reason: str = ""):
    """To a national: the focal point's decision on their self-registration."""
    return emails.send_self_registration_decision(
        **_to_delegate(delegate),
        accepted=accepted,
        reason=reason,
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
        nationality=delegate.nationality,
        passport_number=delegate.passport_number,
        date_of_birth=delegate.date_of_birth,
        passport_expires_on=delegate.passport_expires_on,
    )
