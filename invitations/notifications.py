"""The invitations area's emails: the circular itself and the reminder, through the outbox."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from plenary import outbox
from plenary.links import personal_url

from .letters import pdf_filename
from .models import Invitation

INVITATION_LINK = "invitation"
PDF_RENDERER = "invitations.circular_pdf"


def invitation_url(invitation: Invitation) -> str:
    """The addressee's personal link to their registration page, in their language."""
    addressee = invitation.addressee
    payload = {
        "invitation": invitation.id,
        # Reissuing the link raises the version; older links then stop (registration.access).
        "v": invitation.link_version,
        "event": invitation.circular.event_id,
        "country": addressee.country_id,
        "organisation": addressee.organisation_id,
    }
    return personal_url(
        "registration.delegation_answer", INVITATION_LINK, payload, lang=invitation.language
    )


def email_context(invitation: Invitation, url: str | None = None) -> dict:
    """What the email templates need; `url` replaces the personal link (previews)."""
    circular = invitation.circular
    language = invitation.language
    return {
        "invitation": invitation,
        "circular": circular,
        "event": circular.event,
        "addressee": invitation.addressee,
        "party": invitation.addressee.party_name(language),
        "subject": circular.text("subject", language),
        "salutation": circular.text("salutation", language),
        "contact_name": circular.name_in("contact_name", language),
        "url": url or invitation_url(invitation),
        "link_days": current_app.config["PERSONAL_LINK_MAX_AGE_DAYS"],
    }


def _pdf(invitation: Invitation) -> outbox.Attachment:
    return outbox.Attachment(
        filename=pdf_filename(invitation.circular, invitation.language),
        content_type="application/pdf",
        renderer=PDF_RENDERER,
        arguments={"invitation_id": invitation.id},
    )


def _send(invitation: Invitation, template: str, kind: str, not_before: datetime | None = None):
    addressee = invitation.addressee
    circular = invitation.circular
    email = outbox.render_email(template, invitation.language, **email_context(invitation))
    return outbox.enqueue(
        kind=kind,
        recipients=addressee.recipients,
        email=email,
        language=invitation.language,
        subject_ref=f"invitation:{invitation.id}",
        reply_to=circular.contact_email or None,
        attachments=[_pdf(invitation)],
        not_before=not_before,
        bulk=True,
    )


def enqueue_circular(invitation: Invitation, not_before: datetime | None = None):
    """The circular's email to one addressee, its personalised PDF rendered when sent."""
    return _send(invitation, "invitations/circular", "invitations.circular", not_before)


def enqueue_reminder(invitation: Invitation):
    """A reminder that the registration closes soon, with the same link and letter."""
    return _send(invitation, "invitations/reminder", "invitations.reminder")
