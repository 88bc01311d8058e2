"""The inquiries area's emails: acknowledgement, forward to contributions, staff reply.

Every one goes through the outbox; the automatic ones carry `Auto-Submitted` (RFC 3834).
"""

from __future__ import annotations

from flask import current_app

from plenary import outbox
from plenary.models import OutboxMessage

from . import mime
from .models import Inquiry, InquiryMessage


def new_message_id() -> str:
    return outbox.new_message_id()


def _threading(answered: InquiryMessage | None) -> dict[str, str]:
    if answered is None or not answered.message_id:
        return {}
    chain = [*answered.references, answered.message_id][-20:]
    return {"In-Reply-To": answered.message_id, "References": " ".join(chain)}


def subject_with_reference(inquiry: Inquiry, subject: str) -> str:
    subject = " ".join((subject or "").split())
    if mime.REFERENCE.search(subject):
        return subject
    prefix = "Re: " if subject.lower().startswith("re:") else ""
    rest = subject[len(prefix) :].strip() if prefix else subject
    return f"{prefix}[{inquiry.reference}] {rest}".strip()


def _reply_to(inquiry: Inquiry) -> str | None:
    return inquiry.event.inquiry_email if inquiry.event and inquiry.event.inquiry_email else None


def acknowledge(inquiry: Inquiry, received: InquiryMessage) -> OutboxMessage:
    """The automatic acknowledgement, in the sender's language, with the reference."""
    rendered = outbox.render_email(
        "inquiries/acknowledgement", inquiry.language, inquiry=inquiry, received=received,
        event=inquiry.event,
    )  # fmt: skip
    headers = {
        "Auto-Submitted": "auto-replied",
        # Exchange and Outlook: do not answer this with an out-of-office.
        "X-Auto-Response-Suppress": "All",
        **_threading(received),
    }
    return outbox.enqueue(
        kind="inquiry.acknowledgement",
        recipients=[inquiry.sender_email],
        email=rendered,
        language=inquiry.language,
        subject_ref=f"inquiry:{inquiry.id}",
        reply_to=_reply_to(inquiry),
        headers=headers,
    )


def forward_contribution(inquiry: Inquiry, received: InquiryMessage, address: str) -> OutboxMessage:
    """An offer to contribute to the costs, forwarded to the event's contributions address."""
    rendered = outbox.render_email(
        "inquiries/forward", "en", inquiry=inquiry, received=received, event=inquiry.event
    )
    return outbox.enqueue(
        kind="inquiry.forward",
        recipients=[address],
        email=rendered,
        subject_ref=f"inquiry:{inquiry.id}",
        reply_to=inquiry.sender_email,
        headers={"Auto-Submitted": "auto-generated"},
    )


def staff_reply(
    inquiry: Inquiry, answered: InquiryMessage | None, body: str, key: str | None = None
) -> OutboxMessage:
    """A person's answer: threaded, with the reference in the subject, no Auto-Submitted.

    `key`, the form's, is sent once: a second post of the same form writes the same Message-ID.
    """
    rendered = outbox.render_email(
        "inquiries/reply", inquiry.language, inquiry=inquiry, body=body, event=inquiry.event
    )
    from .models import Direction

    theirs = answered is not None and answered.direction == Direction.IN and answered.subject
    subject = answered.subject if theirs else inquiry.subject
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}"
    rendered = outbox.RenderedEmail(
        subject=subject_with_reference(inquiry, subject), text=rendered.text, html=rendered.html
    )
    return outbox.enqueue(
        kind="inquiry.reply",
        recipients=[inquiry.sender_email],
        email=rendered,
        language=inquiry.language,
        subject_ref=f"inquiry:{inquiry.id}",
        reply_to=_reply_to(inquiry),
        headers=_threading(answered),
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        message_id=outbox.message_id_for("reply", key) if key else None,
    )
