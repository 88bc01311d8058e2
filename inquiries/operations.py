"""What happens to inquiries: opened from the form or the mailbox, answered, assigned, merged.

Every function changes the session and leaves the commit to its caller.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import exc, select

from plenary import audit, outbox
from plenary.extensions import db
from plenary.models import Event, OutboxMessage, User, utcnow

from . import mime, notifications
from .models import (
    Acknowledgement,
    Category,
    CategoryRoute,
    Direction,
    Inquiry,
    InquiryMessage,
    InquiryState,
    Source,
    StoredFile,
)


class InquiryError(Exception):
    """An action that cannot be done on this inquiry; the message says why."""


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class IngestResult:
    outcome: str  # "new", "joined" or "duplicate"
    inquiry_id: int | None = None
    message_id: str | None = None


def current_event() -> Event | None:
    """The event inquiries are about: the latest published one."""
    return db.session.scalar(
        select(Event).where(Event.published.is_(True)).order_by(Event.starts_on.desc()).limit(1)
    )


def _open_inquiry(**fields) -> Inquiry:
    inquiry = Inquiry(**fields)
    event = current_event()
    inquiry.event_id = event.id if event else None
    route = db.session.scalar(
        select(CategoryRoute).where(CategoryRoute.category == inquiry.category)
    )
    if route is not None and route.assignee_id:
        inquiry.assignee_id = route.assignee_id
    db.session.add(inquiry)
    db.session.flush()
    inquiry.reference = f"INQ-{inquiry.created_at.year}-{inquiry.id:06d}"
    return inquiry


def _store_file(
    filename: str, content_type: str, data: bytes, size: int, truncated: bool
) -> StoredFile:
    stored = StoredFile(
        filename=filename[:255] or "attachment",
        content_type=content_type[:100] or "application/octet-stream",
        data=data,
        size=size,
        sha256=hashlib.sha256(data).hexdigest(),
        truncated=truncated,
    )
    db.session.add(stored)
    return stored


def submit_form(
    *,
    name: str,
    email: str,
    organisation: str,
    country_code: str,
    category: Category,
    subject: str,
    message: str,
    language: str,
    uploads: list[Upload],
) -> Inquiry:
    """Open an inquiry from the contact form and acknowledge it."""
    email = email.strip().lower()
    inquiry = _open_inquiry(
        sender_name=name,
        sender_email=email,
        organisation=organisation,
        country_code=country_code,
        category=category,
        subject=subject,
        language=language,
    )
    received = InquiryMessage(
        inquiry=inquiry,
        direction=Direction.IN,
        source=Source.FORM,
        message_id=notifications.new_message_id(),
        sender_name=name,
        sender_email=email,
        subject=subject,
        text_body=message,
    )
    for upload in uploads:
        received.files.append(
            _store_file(upload.filename, upload.content_type, upload.data, len(upload.data), False)
        )
    db.session.add(received)
    db.session.flush()
    audit.record(
        "inquiry.submit", inquiry, actor=f"contact form ({email})", reference=inquiry.reference
    )
    _acknowledge_and_route(inquiry, received)
    return inquiry


def _acknowledge_and_route(inquiry: Inquiry, received: InquiryMessage) -> None:
    if received.automatic:
        return
    # Claimed first: the outbox queues its rows when a transaction commits, and the release
    # of this claim's savepoint counts as one.
    acknowledge = _first_acknowledgement_today(inquiry)
    if (
        inquiry.category == Category.CONTRIBUTIONS
        and inquiry.event
        and inquiry.event.contributions_email
    ):
        outgoing = notifications.forward_contribution(
            inquiry, received, inquiry.event.contributions_email
        )
        _record_outgoing(inquiry, outgoing, Source.SYSTEM, automatic="forwarded to contributions")
    if acknowledge:
        outgoing = notifications.acknowledge(inquiry, received)
        _record_outgoing(inquiry, outgoing, Source.SYSTEM, automatic="acknowledgement")


def _first_acknowledgement_today(inquiry: Inquiry) -> bool:
    """Claim today's one acknowledgement for this sender; False if it is already taken."""
    own = {
        address.lower()
        for address in (
            current_app.config["MAIL_DEFAULT_SENDER"],
            inquiry.event.inquiry_email if inquiry.event else "",
            current_app.config["IMAP_USER"] or "",
        )
        if address
    }
    if any(
        inquiry.sender_email == address or f"<{inquiry.sender_email}>" in address for address in own
    ):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(
                Acknowledgement(
                    sender_email=inquiry.sender_email, day=utcnow().date(), inquiry_id=inquiry.id
                )
            )
    except exc.IntegrityError:
        return False
    return True


def _record_outgoing(inquiry: Inquiry, outgoing, source: Source, *, author: User | None = None,
                     automatic: str | None = None) -> InquiryMessage:  # fmt: skip
    message = InquiryMessage(
        inquiry=inquiry,
        direction=Direction.OUT,
        source=source,
        message_id=outgoing.message_id,
        in_reply_to=outgoing.headers.get("In-Reply-To", ""),
        references=outgoing.headers.get("References", "").split(),
        sender_email=outgoing.sender,
        recipients=list(outgoing.recipients),
        subject=outgoing.subject,
        text_body=outgoing.text_body,
        automatic=automatic,
        outbox_message_id=outgoing.id,
        author=author,
        sent_at=utcnow(),
    )
    db.session.add(message)
    return message


def _find_thread(parsed: mime.ParsedMail) -> Inquiry | None:
    ids = parsed.thread_ids
    if ids:
        known = db.session.scalars(
            select(InquiryMessage).where(InquiryMessage.message_id.in_(ids))
        ).all()
        by_id = {message.message_id: message for message in known}
        for message_id in ids:
            if message_id in by_id:
                return _follow_merges(by_id[message_id].inquiry)
    match = mime.REFERENCE.search(parsed.subject)
    if match:
        inquiry = db.session.scalar(select(Inquiry).where(Inquiry.reference == match.group(0)))
        if inquiry is not None:
            return _follow_merges(inquiry)
    return None


def _follow_merges(inquiry: Inquiry) -> Inquiry:
    seen = set()
    while inquiry.merged_into_id and inquiry.id not in seen:
        seen.add(inquiry.id)
        inquiry = db.session.get(Inquiry, inquiry.merged_into_id)
    return inquiry


def already_ingested(message_id: str | None, mailbox: str | None, uidvalidity: int | None,
                     uid: int | None) -> bool:  # fmt: skip
    """Whether this message (by Message-ID, or by its place in the mailbox) is already kept."""
    query = select(InquiryMessage.id)
    if mailbox is not None and uid is not None:
        by_place = query.where(
            InquiryMessage.mailbox == mailbox,
            InquiryMessage.uidvalidity == uidvalidity,
            InquiryMessage.uid == uid,
        )
        if db.session.scalar(by_place.limit(1)) is not None:
            return True
    if message_id:
        return (
            db.session.scalar(query.where(InquiryMessage.message_id == message_id).limit(1))
            is not None
        )
    return False


def ingest(raw: bytes, *, mailbox: str | None = None, uidvalidity: int | None = None,
           uid: int | None = None, original_size: int | None = None) -> IngestResult:  # fmt: skip
    """Keep one received message: a new inquiry (acknowledged) or a reply joining its thread.

    The unique Message-ID and (mailbox, UIDVALIDITY, UID) keys make a second ingestion of
    the same message, by a re-poll or by a second poller at the same time, a no-op.
    """
    config = current_app.config
    parsed = mime.parse(
        raw,
        max_text_chars=config["INQUIRY_MAX_TEXT_CHARS"],
        max_attachment_bytes=config["INQUIRY_MAX_ATTACHMENT_BYTES"],
        max_attachments=config["INQUIRY_MAX_ATTACHMENTS"],
    )
    if original_size is not None and original_size > len(raw):
        parsed.problems.append(f"message of {original_size} bytes cut to {len(raw)} bytes")
    message_id = parsed.message_id or mime.fallback_message_id(raw)
    if already_ingested(message_id, mailbox, uidvalidity, uid):
        return IngestResult("duplicate", message_id=message_id)
    try:
        with db.session.begin_nested():
            inquiry = _find_thread(parsed)
            joined = inquiry is not None
            if inquiry is None:
                inquiry = _open_inquiry(
                    sender_name=parsed.sender_name,
                    sender_email=parsed.sender_email or "unknown@invalid",
                    category=Category.OTHER,
                    subject=(parsed.subject or "(no subject)")[:300],
                    language=parsed.language or "en",
                )
            received = InquiryMessage(
                inquiry=inquiry,
                direction=Direction.IN,
                source=Source.MAIL,
                message_id=message_id,
                in_reply_to=parsed.in_reply_to[:255],
                references=parsed.references,
                mailbox=mailbox,
                uidvalidity=uidvalidity,
                uid=uid,
                sender_name=parsed.sender_name,
                sender_email=parsed.sender_email,
                recipients=parsed.recipients,
                subject=parsed.subject,
                text_body=parsed.text,
                html_body=parsed.html,
                automatic=parsed.automatic,
                problems=parsed.problems,
            )
            for attachment in parsed.attachments:
                received.files.append(
                    _store_file(
                        attachment.filename,
                        attachment.content_type,
                        attachment.data,
                        attachment.size,
                        attachment.truncated,
                    )
                )
            db.session.add(received)
            if joined and inquiry.state == InquiryState.CLOSED and not parsed.automatic:
                inquiry.state = InquiryState.OPEN
            inquiry.updated_at = utcnow()
            db.session.flush()
    except exc.IntegrityError:
        return IngestResult("duplicate", message_id=message_id)
    audit.record(
        "inquiry.receive" if joined else "inquiry.open",
        inquiry,
        actor="mailbox",
        message_id=message_id,
        automatic=parsed.automatic,
        problems=len(parsed.problems),
    )
    if not joined:
        _acknowledge_and_route(inquiry, received)
    return IngestResult("joined" if joined else "new", inquiry.id, message_id)


def reply(inquiry: Inquiry, body: str, user: User, key: str | None = None) -> InquiryMessage:
    """Send the Secretariat's answer, threaded under the sender's last message.

    The form's `key` sends it once: a double click, or the form posted again, raises
    InquiryError("sent") (or, when two posts race, IntegrityError at the flush).
    """
    if inquiry.state == InquiryState.MERGED:
        raise InquiryError("merged")
    if key and db.session.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.message_id == outbox.message_id_for("reply", key)
        )
    ):
        raise InquiryError("sent")
    # Thread under the sender's last mail; a form's sender never saw the form's internal
    # Message-ID, so then under our last message to them (the acknowledgement).
    theirs = [
        m for m in inquiry.messages if m.direction == Direction.IN and m.source == Source.MAIL
    ]
    ours = [
        m
        for m in inquiry.messages
        if m.direction == Direction.OUT and inquiry.sender_email in (m.recipients or [])
    ]
    last_in = (theirs or ours or [None])[-1]
    outgoing = notifications.staff_reply(inquiry, last_in, body, key)
    message = _record_outgoing(inquiry, outgoing, Source.STAFF, author=user)
    inquiry.state = InquiryState.OPEN
    if inquiry.assignee_id is None:
        inquiry.assignee_id = user.id
    inquiry.updated_at = utcnow()
    db.session.flush()
    audit.record("inquiry.reply", inquiry, user=user, outbox_id=outgoing.id)
    return message


def add_note(inquiry: Inquiry, body: str, user: User) -> InquiryMessage:
    """An internal note: seen by staff only, never sent."""
    note = InquiryMessage(
        inquiry=inquiry, direction=Direction.NOTE, source=Source.STAFF, text_body=body, author=user,
        sender_name=user.full_name, sender_email=user.email,
    )  # fmt: skip
    db.session.add(note)
    db.session.flush()
    audit.record("inquiry.note", inquiry, user=user)
    return note


def assign(inquiry: Inquiry, assignee: User | None, user: User) -> None:
    inquiry.assignee = assignee
    if inquiry.state == InquiryState.NEW:
        inquiry.state = InquiryState.OPEN
    audit.record(
        "inquiry.assign", inquiry, user=user, assignee=assignee.email if assignee else None
    )


def close(inquiry: Inquiry, user: User) -> None:
    if inquiry.state in (InquiryState.CLOSED, InquiryState.MERGED):
        raise InquiryError("not open")
    inquiry.state = InquiryState.CLOSED
    audit.record("inquiry.close", inquiry, user=user)


def reopen(inquiry: Inquiry, user: User) -> None:
    if inquiry.state != InquiryState.CLOSED:
        raise InquiryError("not closed")
    inquiry.state = InquiryState.OPEN
    audit.record("inquiry.reopen", inquiry, user=user)


def merge(source: Inquiry, target: Inquiry, user: User) -> None:
    """Move every message of `source` into `target`; `source` then points at `target`."""
    if source.id == target.id or InquiryState.MERGED in (source.state, target.state):
        raise InquiryError("cannot merge")
    for message in list(source.messages):
        message.inquiry = target
    source.state = InquiryState.MERGED
    source.merged_into_id = target.id
    if target.state == InquiryState.CLOSED:
        target.state = InquiryState.OPEN
    audit.record("inquiry.merge", source, user=user, into=target.reference)
    audit.record("inquiry.merged_in", target, user=user, source=source.reference)


def set_category(inquiry: Inquiry, category: Category, user: User) -> None:
    inquiry.category = category
    audit.record("inquiry.categorise", inquiry, user=user, category=category.value)


def age_filter_start(age: str):
    """The oldest creation time shown for an age filter ('1', '7', '30' days), or None."""
    if age in {"1", "7", "30"}:
        return utcnow() - timedelta(days=int(age))
    return None
