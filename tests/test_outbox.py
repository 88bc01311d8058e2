"""The outbox on the embedded default and against the recording SMTP server."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from plenary import create_app, outbox
from plenary.extensions import db
from plenary.models import OutboxMessage, OutboxPhase, OutboxState, Role, utcnow
from tests import servers
from tests.conftest import base_settings, submit
from tests.factories import make_user, sign_in


def write_message(recipient: str = "mission@example.org", **extra) -> OutboxMessage:
    rendered = outbox.RenderedEmail(subject="Note verbale received", text="Thank you.\n", html=None)
    return outbox.enqueue(
        kind="test.note", recipients=[recipient], email=rendered, subject_ref="test:1", **extra
    )


def eml_files(app) -> list[Path]:
    return sorted(Path(app.config["MAIL_FILE_DIRECTORY"]).glob("*.eml"))


def use_smtp(app, smtp) -> None:
    app.config.update(MAIL_SERVER=smtp.host, MAIL_PORT=smtp.port)
    app.extensions["mail"].server = smtp.host
    app.extensions["mail"].port = smtp.port


def test_nothing_is_sent_before_the_transaction_commits(app):
    write_message()
    assert eml_files(app) == []
    db.session.commit()
    assert len(eml_files(app)) == 1


def test_a_rolled_back_change_sends_nothing(app):
    write_message()
    db.session.rollback()
    db.session.commit()
    assert eml_files(app) == []
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_embedded_default_writes_an_eml_file_with_the_rows_message_id(app):
    message = write_message()
    message_id = message.message_id
    db.session.commit()
    [path] = eml_files(app)
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert parsed["Message-ID"] == message_id
    assert message_id.endswith("@plenary.test>")
    assert parsed["To"] == "mission@example.org"
    assert parsed["Subject"] == "Note verbale received"
    db.session.refresh(message)
    assert message.state == OutboxState.SENT
    assert message.sent_at is not None


def test_delivering_a_sent_message_again_does_nothing(app):
    message = write_message()
    db.session.commit()
    assert outbox.deliver(message.id).state == "skipped"
    assert len(eml_files(app)) == 1


def test_attachments_are_stored_or_rendered_at_sending_time(app, smtp):
    use_smtp(app, smtp)
    calls = []

    @outbox.attachment_renderer("test.letter")
    def render_letter(name: str) -> bytes:
        calls.append(name)
        return f"%PDF letter for {name}".encode()

    write_message(
        attachments=[
            outbox.Attachment("note.txt", "text/plain", data=b"stored"),
            outbox.Attachment(
                "letter.pdf", "application/pdf", renderer="test.letter", arguments={"name": "EE"}
            ),
        ]
    )
    assert calls == []
    db.session.commit()
    [received] = smtp.wait_for(1)
    parts = {
        part.get_filename(): part.get_content() for part in received.message.iter_attachments()
    }
    assert parts == {"note.txt": "stored", "letter.pdf": b"%PDF letter for EE"}
    assert calls == ["EE"]


def test_two_workers_never_send_the_same_message(app, smtp):
    use_smtp(app, smtp)
    app.extensions["celery"].conf.task_always_eager = False  # keep the commit from sending
    app.extensions["celery"].conf.broker_url = "memory://"
    message_id = write_message().id
    db.session.commit()
    outcomes = []

    def worker() -> None:
        with app.app_context():
            outcomes.append(outbox.deliver(message_id).state)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["sent", "skipped", "skipped", "skipped"]
    assert len(smtp.wait_for(1)) == 1


def test_a_passing_smtp_failure_is_retried_with_backoff(app, smtp):
    use_smtp(app, smtp)
    smtp.handler.refuse_with = "451 Try again later"
    message = write_message()
    db.session.commit()
    db.session.refresh(message)
    assert message.state == OutboxState.PENDING
    assert message.attempts == 1
    assert "451" in message.last_error
    assert message.next_attempt_at > utcnow() + timedelta(seconds=20)

    smtp.handler.refuse_with = None
    assert outbox.sweep(now=message.next_attempt_at + timedelta(seconds=31)).queued == [message.id]
    db.session.refresh(message)
    assert message.state == OutboxState.SENT
    assert len(smtp.wait_for(1)) == 1


def test_a_refused_recipient_fails_at_once_and_staff_can_retry(app, smtp):
    use_smtp(app, smtp)
    smtp.handler.refuse_with = "550 No such mailbox"
    message = write_message()
    db.session.commit()
    db.session.refresh(message)
    assert message.state == OutboxState.FAILED
    assert "550 No such mailbox" in message.last_error

    smtp.handler.refuse_with = None
    client = app.test_client()
    make_user("staff@example.org")
    sign_in(client, "staff@example.org")
    page = client.get("/secretariat/mail?state=failed").get_data(as_text=True)
    assert "550 No such mailbox" in page
    assert "Retry" in page
    response = submit(
        client, "/secretariat/mail?state=failed", f"/secretariat/mail/{message.id}/retry"
    )
    assert response.status_code == 302
    db.session.refresh(message)
    assert message.state == OutboxState.SENT
    [received] = smtp.wait_for(1)
    assert received.recipients == ["mission@example.org"]


def test_the_last_attempt_leaves_the_message_failed(app, smtp):
    use_smtp(app, smtp)
    app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    smtp.handler.refuse_with = "421 Service not available"
    message = write_message()
    db.session.commit()
    outbox.sweep(now=utcnow() + timedelta(hours=1))
    db.session.refresh(message)
    assert (message.state, message.attempts) == (OutboxState.FAILED, 2)
    assert smtp.received == []


def claimed_long_ago(message: OutboxMessage, phase: OutboxPhase | None) -> None:
    """As a worker that claimed the message an hour ago and was killed."""
    db.session.info.pop("outbox_ids_to_queue")
    message.state = OutboxState.SENDING
    message.phase = phase
    message.claim_token = "dead-worker"
    message.attempts = 1
    message.claimed_at = utcnow() - timedelta(hours=1)
    db.session.commit()


def test_a_message_left_inside_the_smtp_conversation_is_uncertain_not_resent(app):
    message = write_message()
    claimed_long_ago(message, OutboxPhase.TRANSMITTING)
    result = outbox.sweep()
    assert result.interrupted == [message.id]
    db.session.refresh(message)
    assert message.state == OutboxState.UNCERTAIN
    assert "may or may not have been delivered" in message.last_error
    assert eml_files(app) == []


def test_a_worker_killed_before_the_smtp_conversation_is_sent_again_by_itself(app):
    message = write_message()
    claimed_long_ago(message, OutboxPhase.PREPARING)
    result = outbox.sweep()
    assert (result.resent, result.interrupted) == ([message.id], [])
    db.session.refresh(message)
    assert message.state == OutboxState.SENT
    assert len(eml_files(app)) == 1


def test_an_uncertain_message_is_shown_on_the_sent_mail_page_and_can_be_retried(app):
    message = write_message()
    claimed_long_ago(message, OutboxPhase.TRANSMITTING)
    outbox.sweep()
    client = app.test_client()
    make_user("staff@example.org", Role.STAFF)
    sign_in(client, "staff@example.org")
    page = client.get("/secretariat/mail?state=uncertain").get_data(as_text=True)
    assert "uncertain (1)" in " ".join(page.split())
    assert "Check with the recipient before retrying." in page
    response = submit(
        client, "/secretariat/mail?state=uncertain", f"/secretariat/mail/{message.id}/retry"
    )
    assert response.status_code == 302
    db.session.refresh(message)
    assert message.state == OutboxState.SENT
    assert len(eml_files(app)) == 1


def test_a_render_error_is_recorded_as_a_failure_with_its_message(app):
    @outbox.attachment_renderer("test.broken")
    def broken_letter() -> bytes:
        raise ValueError("the letter template has an unclosed tag")

    message = write_message(
        attachments=[outbox.Attachment("x.pdf", "application/pdf", renderer="test.broken")]
    )
    db.session.commit()
    db.session.refresh(message)
    assert message.state == OutboxState.FAILED
    assert message.last_error == (
        "The message could not be built: ValueError: the letter template has an unclosed tag"
    )
    assert outbox.sweep(now=utcnow() + timedelta(hours=2)).interrupted == []


def test_a_stalled_worker_that_wakes_after_its_claim_was_taken_over_sends_nothing(app, smtp):
    use_smtp(app, smtp)
    app.extensions["celery"].conf.task_always_eager = False  # keep the commit from sending
    app.extensions["celery"].conf.broker_url = "memory://"
    app.config["OUTBOX_STALE_CLAIM_SECONDS"] = 1
    stalled, release = threading.Event(), threading.Event()

    @outbox.attachment_renderer("test.slow")
    def slow_letter() -> bytes:
        if not stalled.is_set():  # the first worker's render hangs until released
            stalled.set()
            release.wait(30)
        return b"%PDF"

    message_id = write_message(
        attachments=[outbox.Attachment("x.pdf", "application/pdf", renderer="test.slow")]
    ).id
    db.session.commit()
    outcomes = []

    def first_worker() -> None:
        with app.app_context():
            outcomes.append(outbox.deliver(message_id).state)

    thread = threading.Thread(target=first_worker)
    thread.start()
    assert stalled.wait(10)
    servers.wait_until(
        lambda: outbox.sweep(grace_seconds=0).resent == [message_id], 10, "the lease to expire"
    )
    assert outbox.deliver(message_id).state == "sent"  # the second worker
    release.set()
    thread.join(10)
    assert outcomes == ["skipped"]
    assert len(smtp.wait_for(1)) == 1
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id).state == OutboxState.SENT
    assert len(smtp.received) == 1


def test_a_silent_smtp_server_times_out_well_within_the_lease(app):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    try:
        app.config.update(
            MAIL_SERVER="127.0.0.1", MAIL_PORT=listener.getsockname()[1],
            OUTBOX_STALE_CLAIM_SECONDS=6,
        )  # fmt: skip
        started = time.monotonic()
        message = write_message()
        db.session.commit()
        elapsed = time.monotonic() - started
    finally:
        listener.close()
    db.session.refresh(message)
    assert message.state == OutboxState.PENDING
    assert "timed out" in message.last_error
    assert elapsed < outbox.limits(app.config).lease


def test_the_send_tasks_time_limits_are_shorter_than_the_lease(app):
    limits = outbox.limits(app.config)
    annotations = app.extensions["celery"].conf.task_annotations[outbox.SEND_TASK]
    assert annotations == {
        "soft_time_limit": limits.soft_time_limit,
        "time_limit": limits.time_limit,
    }
    assert limits.smtp_timeout < limits.soft_time_limit < limits.time_limit < limits.lease


@pytest.fixture
def postgres_app(tmp_path, postgres_url):
    """The embedded default on PostgreSQL: SQLite's driver does not keep savepoints apart."""
    app = create_app(base_settings(tmp_path, DATABASE_URL=postgres_url))
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_a_rolled_back_savepoint_drops_only_its_own_message(postgres_app):
    app = postgres_app
    outer = write_message("outer@example.org")
    savepoint = db.session.begin_nested()
    write_message("inner@example.org")
    savepoint.rollback()
    with db.session.begin_nested():
        kept = write_message("kept@example.org")
    db.session.commit()
    sent = sorted(
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)["To"]
        for path in eml_files(app)
    )
    assert sent == ["kept@example.org", "outer@example.org"]
    assert {outer.state, kept.state} == {OutboxState.SENT}


def test_a_rolled_back_savepoint_after_the_message_still_sends_it(postgres_app):
    app = postgres_app
    write_message("outer@example.org")
    savepoint = db.session.begin_nested()
    savepoint.rollback()
    db.session.commit()
    assert len(eml_files(app)) == 1


def test_a_message_that_was_never_queued_is_picked_up_by_the_sweep(app):
    message = write_message()
    db.session.info.pop("outbox_ids_to_queue")  # as if Redis had been down at commit time
    db.session.commit()
    assert eml_files(app) == []
    assert outbox.sweep(now=utcnow() + timedelta(minutes=1)).queued == [message.id]
    assert len(eml_files(app)) == 1


def test_an_unknown_renderer_fails_the_message_visibly(app):
    message = write_message(
        attachments=[outbox.Attachment("x.pdf", "application/pdf", renderer="nope")]
    )
    db.session.commit()
    db.session.refresh(message)
    assert message.state == OutboxState.FAILED
    assert "no renderer named 'nope'" in message.last_error


def test_sent_mail_page_is_for_the_secretariat_only(app):
    write_message()
    db.session.commit()
    client = app.test_client()
    assert client.get("/secretariat/mail").status_code == 302
    make_user("staff@example.org", Role.STAFF)
    sign_in(client, "staff@example.org")
    page = client.get("/secretariat/mail").get_data(as_text=True)
    assert "Note verbale received" in page
    assert "mission@example.org" in page


@pytest.mark.parametrize("attempts,expected", [(1, 30), (2, 60), (3, 120), (10, 3600)])
def test_backoff_doubles_up_to_an_hour(attempts, expected):
    assert outbox.backoff(attempts) == expected
