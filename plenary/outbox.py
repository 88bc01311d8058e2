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
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from flask import current_app
from flask_babel import force_locale
from flask_mail import Message
from kombu.exceptions import OperationalError as BrokerUnavailable
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session, SessionTransaction

from . import jobs, outbox_gate
from .extensions import db
from .i18n import babel_locale
from .models import OutboxAttachment, OutboxMessage, OutboxPhase, OutboxState, utcnow

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


def message_id_for(kind: str, key: str) -> str:
    """The Message-ID of the one message sent for a form's key, under BASE_URL's domain."""
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "plenary.localhost"
    return f"<{kind}.{key}@{domain}>"


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
    bulk: bool = False,
    message_id: str | None = None,
) -> OutboxMessage:
    """Write one outgoing email into the current transaction; it is queued after commit.

    `not_before` holds it back until then. `bulk` mail (circulars, reminders) keeps to the
    shared INVITATIONS_SEND_RATE and pauses with the breaker. A `message_id` made from what
    the person sent (see `message_id_for`) makes the same message impossible to write twice:
    the column is unique, and the flush raises IntegrityError.
    """
    recipients = [address for address in recipients if address]
    if not recipients:
        raise ValueError("an outbox message needs at least one recipient")
    message = OutboxMessage(
        message_id=message_id or new_message_id(),
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
        bulk=bulk,
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
    _after_commit(message.id, not_before)
    return message


# --- queueing after commit, savepoint by savepoint ------------------------------------------


def _after_commit(message_id: int, not_before: datetime | None) -> None:
    """Queue a row once the transaction that wrote it commits, unless its savepoint rolls back."""
    session = db.session()
    entries = session.info.setdefault(_QUEUE_KEY, [])
    entries.append((session.get_nested_transaction(), message_id, not_before))


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_commit")
def _queue_after_commit(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint was released: its rows wait for the outer transaction
    entries = session.info.pop(_QUEUE_KEY, None)
    if entries:
        queue([(message_id, not_before) for _, message_id, not_before in entries])


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    # A rolled-back savepoint forgets only the rows written inside it; the outer
    # transaction's rows are still queued when it commits.
    entries = session.info.get(_QUEUE_KEY)
    if not entries:
        return
    if previous_transaction.nested:
        entries[:] = [entry for entry in entries if not _within(entry[0], previous_transaction)]
    else:
        session.info.pop(_QUEUE_KEY, None)


def queue(entries: Iterable[int | tuple[int, datetime | None]]) -> None:
    """Hand committed rows (ids, or (id, not_before)) to the send task.

    With no broker the task runs in-process at once, whatever its `not_before`. When the
    broker is unreachable the rows stay pending and the sweep queues them once it is back.
    """
    now = utcnow()
    entries = list(entries)
    for position, entry in enumerate(entries):
        message_id, not_before = entry if isinstance(entry, tuple) else (entry, None)
        countdown = max((not_before - now).total_seconds(), 0) if not_before else 0
        try:
            jobs.enqueue(SEND_TASK, message_id, countdown=countdown or None)
        except BrokerUnavailable as error:
            current_app.logger.warning(
                "outbox: %d message(s) not queued, the sweep will queue them: %s",
                len(entries) - position, error,
            )  # fmt: skip
            return


# --- sending one message --------------------------------------------------------------------


class PermanentFailure(Exception):
    """The message cannot be sent as it is; retrying will not help."""


class LostClaim(Exception):
    """Another worker took the message over: this one must not send it."""


class UncertainDelivery(Exception):
    """The SMTP conversation broke after the message was handed over: it may have arrived."""


@dataclass(frozen=True)
class Outcome:
    state: str
    retry_in: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class Limits:
    """Every wait inside a send is shorter than the claim's lease, so that a lease that
    expires means the worker is gone: a stalled send cannot finish after it."""

    lease: float
    soft_time_limit: float
    time_limit: float
    smtp_timeout: float
    throttle_wait: float


def limits(config: dict | None = None) -> Limits:
    config = config if config is not None else current_app.config
    lease = float(config["OUTBOX_STALE_CLAIM_SECONDS"])
    return Limits(
        lease=lease,
        soft_time_limit=lease / 2,
        time_limit=lease * 2 / 3,
        smtp_timeout=min(float(config["MAIL_TIMEOUT"]), lease / 6),
        throttle_wait=min(30.0, lease / 6),
    )


def backoff(attempts: int) -> int:
    """Seconds before the next try: 30 s, 1 min, 2 min, ... up to one hour."""
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


def deliver(message_id: int, *, throttle: bool = False) -> Outcome:
    """Claim one pending row, send it, and record what happened; a second call does nothing.

    With `throttle`, bulk mail waits for its slot of the shared rate and stays pending
    while bulk sending is paused.
    """
    bulk = db.session.scalar(
        select(OutboxMessage.bulk).where(
            OutboxMessage.id == message_id, OutboxMessage.state == OutboxState.PENDING
        )
    )
    if bulk is None:
        db.session.rollback()
        return Outcome("skipped")
    if bulk and outbox_gate.paused_since() is not None:
        db.session.rollback()
        return Outcome("paused")
    if bulk and throttle:
        wait = outbox_gate.reserve_slot()
        if wait > limits().throttle_wait:
            return Outcome("throttled", retry_in=max(int(wait), 1))
        time.sleep(wait)
    token = uuid.uuid4().hex
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == OutboxState.PENDING)
        .values(
            state=OutboxState.SENDING,
            claimed_at=utcnow(),
            claim_token=token,
            phase=OutboxPhase.PREPARING,
            attempts=OutboxMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return Outcome("skipped")
    row = db.session.get(OutboxMessage, message_id, populate_existing=True)
    started = time.perf_counter()
    try:
        message = build_mail(row)
    except SoftTimeLimitExceeded as error:
        return _record_failure(row, token, error, permanent=False, smtp=False)
    except Exception as error:  # a template, renderer or PDF error: recorded, not retried
        db.session.rollback()
        logger.exception("outbox %s could not be built", message_id)
        return _record_failure(row, token, error, permanent=True, smtp=False, building=True)
    built = time.perf_counter()
    try:
        transmit(message, before_data=lambda: _start_transmitting(message_id, token))
    except LostClaim:
        return Outcome("skipped")
    except UncertainDelivery as error:
        return _record_uncertain(row, token, error)
    except (PermanentFailure, smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
        return _record_failure(row, token, error, permanent=True)
    except (smtplib.SMTPException, OSError, SoftTimeLimitExceeded) as error:
        permanent = isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500
        return _record_failure(row, token, error, permanent=permanent)
    _settle(message_id, token, {"state": OutboxState.SENT, "sent_at": utcnow(),
                                "last_error": None, "phase": None},
            expected=(OutboxState.SENDING, OutboxState.UNCERTAIN))  # fmt: skip
    outbox_gate.record_success()
    # bench/circular_send.py reads these figures from the worker's log.
    logger.info(
        "outbox %s sent: build %.4f s, transmit %.4f s",
        message_id, built - started, time.perf_counter() - built,
    )  # fmt: skip
    return Outcome("sent")


def _settle(
    message_id: int,
    token: str,
    values: dict[str, Any],
    expected: tuple[OutboxState, ...] = (OutboxState.SENDING,),
) -> bool:
    """Change a claimed row only if this claim still holds it, in the state expected."""
    db.session.rollback()
    changed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.claim_token == token,
            OutboxMessage.state.in_(expected),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if changed != 1:
        logger.warning("outbox %s: the claim was taken over; %s not recorded", message_id, values)
    return changed == 1


def _start_transmitting(message_id: int, token: str) -> None:
    """Record, before the message is handed over, that from now on it may have left."""
    if not _settle(message_id, token, {"phase": OutboxPhase.TRANSMITTING}):
        raise LostClaim(message_id)


def describe_error(error: BaseException) -> str:
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
    if isinstance(error, SoftTimeLimitExceeded):
        return "The send took longer than its time limit."
    return f"{type(error).__name__}: {error}"


def _record_failure(
    row: OutboxMessage,
    token: str,
    error: BaseException,
    *,
    permanent: bool,
    smtp: bool = True,
    building: bool = False,
) -> Outcome:
    text = describe_error(error)
    if building:
        text = f"The message could not be built: {text}"
    text = text[:2000]
    attempts = row.attempts
    if smtp and not isinstance(error, smtplib.SMTPRecipientsRefused):
        outbox_gate.record_failure(text)
    if permanent or attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        _settle(row.id, token, {"state": OutboxState.FAILED, "last_error": text, "phase": None})
        return Outcome("failed", error=text)
    delay = backoff(attempts)
    values = {
        "state": OutboxState.PENDING, "last_error": text, "phase": None, "claim_token": None,
        "next_attempt_at": utcnow() + timedelta(seconds=delay),
    }  # fmt: skip
    if not _settle(row.id, token, values):
        return Outcome("skipped")
    return Outcome("pending", retry_in=delay, error=text)


UNCERTAIN_TEXT = (
    "Interrupted during the SMTP conversation ({reason}): it may or may not have been "
    "delivered. Check with the recipient before retrying."
)


def _record_uncertain(row: OutboxMessage, token: str, error: UncertainDelivery) -> Outcome:
    cause = error.__cause__ or error
    text = UNCERTAIN_TEXT.format(reason=describe_error(cause))[:2000]
    outbox_gate.record_failure(text)
    _settle(row.id, token, {"state": OutboxState.UNCERTAIN, "last_error": text})
    return Outcome("uncertain", error=text)


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


def _address(value: str) -> str:
    return parseaddr(value)[1] or value


def transmit(message: OutboxMail, before_data: Callable[[], None] = lambda: None) -> None:
    """Send by SMTP when MAIL_SERVER is set, else write an .eml file into the instance folder.

    `before_data` runs once the server has accepted the sender and the recipients, just
    before the message itself is handed over: a failure before it certainly sent nothing;
    a broken conversation after it raises UncertainDelivery.
    """
    config = current_app.config
    if not config["MAIL_SERVER"]:
        before_data()
        directory = Path(config["MAIL_FILE_DIRECTORY"])
        directory.mkdir(parents=True, exist_ok=True)
        name = message.msgId.strip("<>").replace("/", "_").replace("@", "_at_")
        path = directory / f"{name}.eml"
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(message.as_bytes())
        temporary.replace(path)
        return
    raw = message.as_bytes()
    timeout = limits(config).smtp_timeout
    connection_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    smtp = connection_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.ehlo_or_helo_if_needed()
        code, reply = smtp.mail(_address(message.sender))
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, message.sender)
        refused = {}
        for recipient in message.recipients:
            code, reply = smtp.rcpt(_address(recipient))
            if code not in (250, 251):
                refused[recipient] = (code, reply)
        if len(refused) == len(message.recipients):
            raise smtplib.SMTPRecipientsRefused(refused)
        if refused:
            logger.warning("outbox %s: some recipients refused: %s", message.row_id, refused)
        before_data()
        try:
            code, reply = smtp.data(raw)
        except smtplib.SMTPResponseException:
            raise  # the server answered no: nothing was delivered
        except (smtplib.SMTPException, OSError, SoftTimeLimitExceeded) as error:
            raise UncertainDelivery(str(error)) from error
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


# --- the sweep, and people's decisions ------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    queued: list[int]
    interrupted: list[int]
    resent: list[int] = field(default_factory=list)


INTERRUPTED_BEFORE_TEXT = "The worker stopped before the message was handed over; it is sent again."


def sweep(
    now: datetime | None = None, *, grace_seconds: int | None = None, limit: int = 1000
) -> SweepResult:
    """Queue the due pending rows and settle those whose claim's lease has expired.

    A worker that died before the SMTP conversation certainly sent nothing: its row is
    sent again. One that died inside it may or may not have delivered the message: its
    row becomes uncertain, for a person to check with the recipient.
    """
    now = now or utcnow()
    config = current_app.config
    if grace_seconds is None:
        grace_seconds = config["OUTBOX_SWEEP_GRACE_SECONDS"]
    expired = (
        OutboxMessage.state == OutboxState.SENDING,
        OutboxMessage.claimed_at < now - timedelta(seconds=limits(config).lease),
    )
    preparing = OutboxMessage.phase == OutboxPhase.PREPARING
    # Claimed again and again, and killed each time before sending: fail it for a person.
    given_up = db.session.scalars(
        update(OutboxMessage)
        .where(*expired, preparing, OutboxMessage.attempts >= config["OUTBOX_MAX_ATTEMPTS"])
        .values(state=OutboxState.FAILED, phase=None, claim_token=None,
                last_error="The worker stopped each time while preparing this message.")
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()  # fmt: skip
    resent = db.session.scalars(
        update(OutboxMessage)
        .where(*expired, preparing)
        .values(state=OutboxState.PENDING, phase=None, claim_token=None, next_attempt_at=now,
                last_error=INTERRUPTED_BEFORE_TEXT)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()  # fmt: skip
    # No phase: claimed before phases were recorded; count it as possibly handed over.
    interrupted = db.session.scalars(
        update(OutboxMessage)
        .where(*expired, or_(OutboxMessage.phase.is_(None), ~preparing))
        .values(state=OutboxState.UNCERTAIN,
                last_error=UNCERTAIN_TEXT.format(reason="the worker stopped"))
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()  # fmt: skip
    due_query = select(OutboxMessage.id).where(
        OutboxMessage.state == OutboxState.PENDING,
        OutboxMessage.next_attempt_at <= now - timedelta(seconds=grace_seconds),
    )
    if outbox_gate.paused_since() is not None:
        due_query = due_query.where(~OutboxMessage.bulk)
    due = list(db.session.scalars(due_query.order_by(OutboxMessage.next_attempt_at).limit(limit)))
    if due:
        # Queued now: a row still waiting in a long queue is not queued again before the grace.
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(due), OutboxMessage.state == OutboxState.PENDING)
            .values(next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    if given_up:
        logger.warning("outbox: %s failed after repeated interruptions", given_up)
    queue([*resent, *[message_id for message_id in due if message_id not in resent]])
    return SweepResult(queued=due, interrupted=interrupted, resent=resent)


def retry(message: OutboxMessage) -> bool:
    """Put a failed or uncertain message back in line; it is queued when the caller commits.

    False when it was no longer failed or uncertain (someone else retried it first).
    """
    changed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message.id,
            OutboxMessage.state.in_([OutboxState.FAILED, OutboxState.UNCERTAIN]),
        )
        .values(state=OutboxState.PENDING, attempts=0, next_attempt_at=utcnow(),
                phase=None, claim_token=None)
        .execution_options(synchronize_session=False)
    ).rowcount  # fmt: skip
    db.session.refresh(message)
    if changed != 1:
        return False
    _after_commit(message.id, None)
    return True


def resume_bulk_sending(limit: int = 1000) -> bool:
    """Lift the breaker's pause; the held bulk mail is queued when the caller commits."""
    if not outbox_gate.resume():
        return False
    held = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.state == OutboxState.PENDING, OutboxMessage.bulk)
        .order_by(OutboxMessage.next_attempt_at)
        .limit(limit)
    ).all()
    for message_id in held:
        _after_commit(message_id, None)
    return True
