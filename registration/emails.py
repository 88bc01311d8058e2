"""The registration area's emails, in the recipient's language, handed to the outbox.

Each function takes plain values (names, addresses, the event) so that the focal point's
flow and the Secretariat's review build the same messages; `registration.mailing` maps the
models onto them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from babel.dates import format_date, get_timezone_name
from flask_babel import force_locale

from plenary import outbox
from plenary.i18n import DEFAULT_LANGUAGE, LANGUAGES, babel_locale, format_deadline
from plenary.models import Event, EventSession, OutboxMessage

from .badges import PNG_MIMETYPE, badge_qr_filename, badge_qr_png
from .calendar import ICS_MIMETYPE, event_calendar, long_date_range
from .visa import PDF_MIMETYPE, visa_filename

VISA_RENDERER = "registration.visa_letter_pdf"


@dataclass(frozen=True)
class DelegateLine:
    name: str
    role: str


def language_of(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def _event_values(event: Event, language: str) -> dict:
    return {
        "event": event,
        "event_title": event.title_in(language),
        "event_dates": long_date_range(event.starts_on, event.ends_on, language),
        "event_place": event.place_in(language),
        "inquiry_email": event.inquiry_email,
    }


def format_days(days: Iterable[date], language: str) -> str:
    """'6 July 2026, 7 July 2026' in the language."""
    return ", ".join(format_date(day, "long", locale=babel_locale(language)) for day in days)


def _send(
    template: str,
    kind: str,
    language: str,
    recipients: Sequence[str],
    subject_ref: str,
    event: Event,
    attachments: Sequence[outbox.Attachment] = (),
    **context,
) -> OutboxMessage:
    email = outbox.render_email(
        f"registration/{template}", language, **_event_values(event, language), **context
    )
    return outbox.enqueue(
        kind=f"registration.{kind}",
        recipients=recipients,
        email=email,
        language=language,
        subject_ref=subject_ref,
        reply_to=event.inquiry_email or None,
        attachments=attachments,
    )


def send_acknowledgement(
    *,
    event: Event,
    language: str,
    recipients: Sequence[str],
    recipient_name: str,
    party: str,
    delegates: Sequence[DelegateLine],
    url: str,
    subject_ref: str,
    resubmission: bool = False,
) -> OutboxMessage:
    """To the focal point: the delegation (or its changes) has been received."""
    language = language_of(language)
    return _send(
        "acknowledgement", "acknowledgement", language, recipients, subject_ref, event,
        recipient_name=recipient_name, party=party, delegates=delegates, url=url,
        resubmission=resubmission,
    )  # fmt: skip


def send_confirmation(
    *,
    event: Event,
    language: str,
    recipients: Sequence[str],
    recipient_name: str,
    party: str,
    badge_number: str,
    days: Sequence[date],
    attendance: str,
    subject_ref: str,
    visa_letter_arguments: dict | None = None,
) -> OutboxMessage:
    """To an approved delegate: the badge number, its QR code, the .ics and any visa letter."""
    language = language_of(language)
    attachments = [
        outbox.Attachment(
            filename=badge_qr_filename(badge_number),
            content_type=PNG_MIMETYPE,
            data=badge_qr_png(badge_number),
        ),
        outbox.Attachment(
            filename=f"{event.slug}.ics",
            content_type=ICS_MIMETYPE,
            data=event_calendar(event, language, days=days, badge_number=badge_number),
        ),
    ]
    if visa_letter_arguments is not None:
        attachments.append(
            outbox.Attachment(
                filename=visa_filename(badge_number),
                content_type=PDF_MIMETYPE,
                renderer=VISA_RENDERER,
                arguments=visa_letter_arguments,
            )
        )
    return _send(
        "confirmation", "confirmation", language, recipients, subject_ref, event, attachments,
        recipient_name=recipient_name, party=party, badge_number=badge_number,
        days=format_days(days, language), attendance=attendance,
        visa_letter=visa_letter_arguments is not None,
    )  # fmt: skip


def send_rejection(
    *,
    event: Event,
    language: str,
    recipients: Sequence[str],
    recipient_name: str,
    party: str,
    reason: str,
    subject_ref: str,
    person: str = "",
    url: str = "",
) -> OutboxMessage:
    """The registration of a delegation (no person given) or of one delegate is refused."""
    language = language_of(language)
    return _send(
        "rejection", "rejection", language, recipients, subject_ref, event,
        recipient_name=recipient_name, party=party, reason=reason, person=person,
        whole_delegation=not person, url=url,
    )  # fmt: skip


def send_self_registration_notice(
    *,
    event: Event,
    language: str,
    recipients: Sequence[str],
    recipient_name: str,
    party: str,
    person: str,
    person_email: str,
    person_function: str,
    url: str,
    subject_ref: str,
    secretariat: bool = False,
) -> OutboxMessage:
    """To the focal point: a national registered and waits for their approval. To the
    Secretariat (`secretariat`) when the State has no focal point to decide."""
    language = language_of(language)
    return _send(
        "self_registration", "self_registration_notice", language, recipients, subject_ref,
        event, recipient_name=recipient_name, party=party, person=person,
        person_email=person_email, person_function=person_function, url=url,
        secretariat=secretariat,
    )  # fmt: skip


def send_incomplete_reminder(
    *,
    event: Event,
    language: str,
    recipients: Sequence[str],
    recipient_name: str,
    party: str,
    missing: Sequence[str],
    url: str,
    subject_ref: str,
) -> OutboxMessage:
    """To the focal point: what the delegation still lacks, and the deadline."""
    language = language_of(language)
    closes_at = (
        format_deadline(event.registration_closes_at, event.timezone, language)
        if event.registration_closes_at
        else ""
    )
    return _send(
        "incomplete_reminder", "incomplete_reminder", language, recipients, subject_ref, event,
        recipient_name=recipient_name, party=party, missing=missing, url=url,
        closes_at=closes_at,
    )  # fmt: skip


def send_waitlist_promotion(
    *,
    event: Event,
    session: EventSession,
    language: str,
    recipients: Sequence[str],
    recipient_name: str,
    subject_ref: str,
) -> OutboxMessage:
    """To a delegate taken off a side event's waiting list."""
    language = language_of(language)
    zone = ZoneInfo(event.timezone)
    locale = babel_locale(language)
    starts = session.starts_at.astimezone(zone)
    ends = session.ends_at.astimezone(zone)
    session_time = (
        f"{format_date(starts, 'full', locale=locale)}, {starts:%H:%M}–{ends:%H:%M} "
        f"({get_timezone_name(starts, locale=locale)})"
    )
    return _send(
        "waitlist_promotion", "waitlist_promotion", language, recipients, subject_ref, event,
        recipient_name=recipient_name, session_title=session.title_in(language),
        session_time=session_time, session_room=session.room,
    )  # fmt: skip


def send_cancellation(
    *,
    event: Event,
    language: str,
    recipients: Sequence[str],
    recipient_name: str,
    party: str,
    subject_ref: str,
    whole_delegation: bool,
    reason: str = "",
) -> OutboxMessage:
    """The registration of a delegation (to its focal point) or of a person is cancelled."""
    language = language_of(language)
    return _send(
        "cancellation", "cancellation", language, recipients, subject_ref, event,
        recipient_name=recipient_name, party=party, whole_delegation=whole_delegation,
        reason=reason,
    )  # fmt: skip


def send_self_registration_decision(
    *,
    event: Event,
    language: str,
    recipients: Sequence[str],
    recipient_name: str,
    party: str,
    subject_ref: str,
    accepted: bool,
    reason: str = "",
) -> OutboxMessage:
    """To a national: their focal point took them into the delegation, or did not."""
    language = language_of(language)
    return _send(
        "self_registration_decision", "self_registration_decision", language, recipients,
        subject_ref, event, recipient_name=recipient_name, party=party, accepted=accepted,
        reason=reason,
    )  # fmt: skip


def in_language(language: str, text) -> str:
    """A lazily translated label (or plain text) in the recipient's language."""
    with force_locale(babel_locale(language_of(language))):
        return str(text)
