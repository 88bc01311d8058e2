"""The email outbox: every message is a row first, sent after commit, never twice.

`enqueue` writes the row inside the caller's transaction and, once that transaction
commits, queues the send task with the row's id. `deliver` claims the row with one
conditional UPDATE, so two workers (or a re-run) can never both send it.
"""

from __future__ import annotations

import email.policy
import logging
import smtplib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_mail import Message
from kombu.exceptions import OperationalError as BrokerUnavailable
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from . import jobs
from .extensions import db, mail
from .i18n import babel_locale
from .models import OutboxAttachment, OutboxMessage, OutboxState, utcnow

SEND_TASK = "plenary.outbox.send"
logger = logging.getLogger(__name__)
_QUEUE_KEY = "outbox_ids_to_queue"

# name -> function(**arguments) -> bytes; areas register the attachments they render.
_renderers: dict[str, Callable[..., bytes]] = {}


def attachment_renderer(name: str) -> Callable[[Callable[..., bytes]], Callable[..., bytes]]:
    """Register a function that renders an attachment's bytes when the message is sent."""

    def register(function: Callable[..., bytes]) -> Callable[..., bytes]:
        _renderers[name] = function
        return function

    return register


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes | None = None
    renderer: str | None = None
    arguments: dict[str, Any] | None = None


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str | None


def render_email(template: str, language: str, **context: Any) -> RenderedEmail:
    """Render emails/<template>.txt (blocks `subject`, `body`) and .html in one language."""
    env = current_app.jinja_env
    with force_locale(babel_locale(language)):
        context = {**context, "language": language}
        current_app.update_template_context(context)
        # The .txt template has two blocks: `subject` and `body`.
        text_template = env.get_template(f"emails/{template}.txt")
        subject = "".join(text_template.blocks["subject"](text_template.new_context(context)))
        text = "".join(text_template.blocks["body"](text_template.new_context(context)))
        try:
            html_template = env.get_template(f"emails/{template}.html")
        except LookupError:
            html = None
        else:
            html = html_template.render(context)
    return RenderedEmail(subject=" ".join(subject.split()), text=text.strip() + "\n", html=html)


def new_message_id() -> str:
    """A Message-ID under the domain of BASE_URL, fixed when the row is written."""
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "plenary.localhost"
    return make_msgid(domain=domain)


def enqueue(
    *,
    kind: str,
    recipients: Iterable[str],
    email: RenderedEmail,
    language: str = "en",
    subject_ref: str | None = None,
    reply_to: str | None = None,
    sender: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: Iterable[Attachment] = (),
    not_before: datetime | None = None,
) -> OutboxMessage:
    """Write one outgoing email into the current transaction; it is queued after commit.

    `not_before` holds it back until then: bulk mail is spread out this way to keep to a rate.
    """
    recipients = [address for address in recipients if address]
    if not recipients:
        raise ValueError("an outbox message needs at least one recipient")
    message = OutboxMessage(
        message_id=new_message_id(),
        kind=kind,
        subject_ref=subject_ref,
        sender=sender or current_app.config["MAIL_DEFAULT_SENDER"],
        recipients=recipients,
        reply_to=reply_to,
        subject=email.subject,
        text_body=email.text,
        html_body=email.html,
        headers=headers or {},
        language=language,
        state=OutboxState.PENDING,
        next_attempt_at=not_before or utcnow(),
    )
    for attachment in attachments:
        message.attachments.append(
            OutboxAttachment(
                filename=attachment.filename,
                content_type=attachment.content_type,
                data=attachment.data,
                renderer=attachment.renderer,
                arguments=attachment.arguments or {},
            )
        )
    db.session.add(message)
    db.session.flush()
    db.session.info.setdefault(_QUEUE_KEY, []).append((message.id, not_before))
    return message


@event.listens_for(Session, "after_commit")
def _queue_after_commit(session: Session) -> None:
    # Releasing a savepoint fires after_commit too: only the outermost commit queues.
    if session.in_nested_transaction():
        return
    ids = session.info.pop(_QUEUE_KEY, None)
    if ids:
        queue(ids)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_QUEUE_KEY, None)


def queue(entries: Iterable[int | tuple[int, datetime | None]]) -> None:
    """Hand committed rows (ids, or (id, not_before)) to the send task.

    With no broker the task runs in-process at once, whatever its `not_before`.
    """
    now = utcnow()
    for entry in entries:
        message_id, not_before = entry if isinstance(entry, tuple) else (entry, None)
        countdown = max((not_before - now).total_seconds(), 0) if not_before else 0
        try:
            jobs.enqueue(SEND_TASK, message_id, countdown=countdown or None)
        except BrokerUnavailable as error:  # the sweep queues it once the broker is back
            current_app.logger.warning("outbox %s not queued: %s", message_id, error)


class PermanentFailure(Exception):
    """The message cannot be sent as it is; retrying will not help."""


@dataclass(frozen=True)
class Outcome:
    state: str
    retry_in: int | None = None
    error: str | None = None


def backoff(attempts: int) -> int:
    """Seconds before the next try: 30 s, 1 min, 2 min, ... up to one hour."""
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


def deliver(message_id: int) -> Outcome:
    """Claim one pending row, send it, and record what happened; a second call does nothing."""
    now = utcnow()
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == OutboxState.PENDING)
        .values(state=OutboxState.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return Outcome("skipped")
    row = db.session.get(OutboxMessage, message_id)
    started = time.perf_counter()
    try:
        message = build_mail(row)
        built = time.perf_counter()
        transmit(message)
    except (PermanentFailure, smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
        return _record_failure(row, error, permanent=True)
    except (smtplib.SMTPException, OSError) as error:
        permanent = isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500
        return _record_failure(row, error, permanent=permanent)
    row.state = OutboxState.SENT
    row.sent_at = utcnow()
    row.last_error = None
    db.session.commit()
    # bench/circular_send.py reads these figures from the worker's log.
    logger.info(
        "outbox %s sent: build %.4f s, transmit %.4f s",
        message_id, built - started, time.perf_counter() - built,
    )  # fmt: skip
    return Outcome("sent")


def describe_error(error: Exception) -> str:
    """A line a person can read: the SMTP reply when there is one."""
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return f"SMTP {error.smtp_code} {text}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: SMTP {code} {reply.decode(errors='replace')}"
            for address, (code, reply) in error.recipients.items()
        )
    return f"{type(error).__name__}: {error}"


def _record_failure(row: OutboxMessage, error: Exception, *, permanent: bool) -> Outcome:
    row.last_error = describe_error(error)[:2000]
    if permanent or row.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        row.state = OutboxState.FAILED
        db.session.commit()
        return Outcome("failed", error=row.last_error)
    delay = backoff(row.attempts)
    row.state = OutboxState.PENDING
    row.next_attempt_at = utcnow() + timedelta(seconds=delay)
    db.session.commit()
    return Outcome("pending", retry_in=delay, error=row.last_error)


class OutboxMail(Message):
    """A Flask-Mail message whose bytes are written by the standard library's email package.

    Flask-Mail's own encoding drops the space between two encoded words, which garbles
    long Cyrillic, Arabic and Chinese subjects; see as_bytes for the subject itself.
    """

    def __init__(self, row: OutboxMessage, attachments: list[tuple[str, str, bytes]]) -> None:
        super().__init__(
            subject=row.subject, recipients=list(row.recipients), body=row.text_body,
            html=row.html_body, sender=row.sender, reply_to=row.reply_to,
        )  # fmt: skip
        self.msgId = row.message_id
        self.row_id = row.id
        self.row_headers = dict(row.headers or {})
        self.files = attachments

    def as_email(self) -> EmailMessage:
        message = EmailMessage(policy=email.policy.SMTP)
        message["Subject"] = self.subject
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        if self.reply_to:
            message["Reply-To"] = self.reply_to
        message["Date"] = format_datetime(utcnow())
        message["Message-ID"] = self.msgId
        message["X-Plenary-Outbox-Id"] = str(self.row_id)
        for name, value in self.row_headers.items():
            message[name] = value
        message.set_content(self.body)
        if self.html:
            message.add_alternative(self.html, subtype="html")
        for filename, content_type, data in self.files:
            maintype, _, subtype = content_type.partition("/")
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
        return message

    def as_bytes(self) -> bytes:
        # Python 3.11's folder loses the space between two encoded words of a long
        # non-ASCII subject ("диалог по" arrives as "диалогпо"); the older Header class
        # keeps it, so the subject is written by that class.
        message = self.as_email()
        del message["Subject"]
        charset = "us-ascii" if self.subject.isascii() else "utf-8"
        subject = Header(self.subject, charset, header_name="Subject").encode(linesep="\r\n")
        return b"Subject: " + subject.encode("ascii") + b"\r\n" + message.as_bytes()

    def as_string(self) -> str:
        return self.as_bytes().decode("ascii", errors="replace")


def build_mail(row: OutboxMessage) -> OutboxMail:
    """The message for a row, with its fixed Message-ID and its attachments rendered."""
    files = [
        (attachment.filename, attachment.content_type, _attachment_bytes(attachment))
        for attachment in row.attachments
    ]
    return OutboxMail(row, files)


def _attachment_bytes(attachment: OutboxAttachment) -> bytes:
    if attachment.data is not None:
        return attachment.data
    renderer = _renderers.get(attachment.renderer or "")
    if renderer is None:
        raise PermanentFailure(f"no renderer named {attachment.renderer!r}")
    return renderer(**attachment.arguments)


def transmit(message: Message) -> None:
    """Send by SMTP when MAIL_SERVER is set, else write an .eml file into the instance folder."""
    if current_app.config["MAIL_SERVER"]:
        mail.send(message)
        return
    directory = Path(current_app.config["MAIL_FILE_DIRECTORY"])
    directory.mkdir(parents=True, exist_ok=True)
    name = message.msgId.strip("<>").replace("/", "_").replace("@", "_at_")
    path = directory / f"{name}.eml"
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(message.as_bytes())
    temporary.replace(path)


@dataclass(frozen=True)
class SweepResult:
    queued: list[int]
    interrupted: list[int]


def sweep(
    now: datetime | None = None, *, grace_seconds: int = 30, limit: int = 1000
) -> SweepResult:
    """Queue the pending rows that are due and fail the ones a dead worker left half-sent.

    A row still claimed after OUTBOX_STALE_CLAIM_SECONDS may or may not have reached the
    SMTP server; sending it again could deliver it twice, so it is failed with a message
    that says so, for staff to check and retry.
    """
    now = now or utcnow()
    stale_before = now - timedelta(seconds=current_app.config["OUTBOX_STALE_CLAIM_SECONDS"])
    interrupted = list(
        db.session.scalars(
            select(OutboxMessage.id).where(
                OutboxMessage.state == OutboxState.SENDING,
                OutboxMessage.claimed_at < stale_before,
            )
        )
    )
    if interrupted:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(interrupted), OutboxMessage.state == OutboxState.SENDING)
            .values(
                state=OutboxState.FAILED,
                last_error="Interrupted while sending: it may or may not have been delivered. "
                "Check with the recipient before retrying.",
            )
            .execution_options(synchronize_session=False)
        )
    due = list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.state == OutboxState.PENDING,
                OutboxMessage.next_attempt_at <= now - timedelta(seconds=grace_seconds),
            )
            .order_by(OutboxMessage.next_attempt_at)
            .limit(limit)
        )
    )
    db.session.commit()
    queue(due)
    return SweepResult(queued=due, interrupted=interrupted)


def retry(message: OutboxMessage) -> None:
    """Put a failed message back in line; it is queued when the caller commits."""
    if message.state != OutboxState.FAILED:
        raise ValueError("only a failed message can be retried")
    message.state = OutboxState.PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    db.session.flush()
    db.session.info.setdefault(_QUEUE_KEY, []).append((message.id, None))
