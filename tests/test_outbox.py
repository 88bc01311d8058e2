"""The outbox on the embedded default and against the recording SMTP server."""

from __future__ import annotations

import email
import email.policy
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from plenary import outbox
from plenary.extensions import db
from plenary.models import OutboxMessage, OutboxState, Role, utcnow
from tests.conftest import submit
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


def test_a_message_left_half_sent_by_a_dead_worker_is_failed_not_resent(app):
    message = write_message()
    message.state = OutboxState.SENDING
    message.claimed_at = utcnow() - timedelta(hours=1)
    db.session.info.pop("outbox_ids_to_queue")
    db.session.commit()
    result = outbox.sweep()
    assert result.interrupted == [message.id]
    db.session.refresh(message)
    assert message.state == OutboxState.FAILED
    assert "may or may not have been delivered" in message.last_error
    assert eml_files(app) == []


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
