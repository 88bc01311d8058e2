"""Procfile workers against PostgreSQL, Redis and SMTP: request ids in their log, graceful stop."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask_migrate import upgrade

from plenary import create_app, outbox
from plenary.extensions import db
from plenary.models import OutboxMessage, OutboxState, Role
from tests import servers
from tests.conftest import RequestClient, base_settings, submit
from tests.factories import make_user, sign_in


class SlowHandler(servers.RecordingHandler):
    """An SMTP relay that takes its time to accept each message, and says when one starts."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.started: list[str] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.started.append(envelope.rcpt_tos[0])
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp() -> Iterator[servers.SMTPServer]:
    from aiosmtpd.controller import Controller

    handler = SlowHandler(delay=4)
    port = servers.free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield servers.SMTPServer("127.0.0.1", port, handler, controller)
    controller.stop()


@contextmanager
def app_and_database(tmp_path, postgres_url, redis_url, smtp, **extra):
    environ = base_settings(
        tmp_path,
        DATABASE_URL=postgres_url,
        REDIS_URL=redis_url,
        MAIL_SERVER=smtp.host,
        MAIL_PORT=str(smtp.port),
        **extra,
    )
    app = create_app(environ)
    app.test_client_class = RequestClient
    with app.app_context():
        upgrade()
        try:
            yield app, environ
        finally:
            db.session.remove()
            db.engine.dispose()


def state_of(message_id: int) -> OutboxState:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id).state


def test_the_request_id_is_in_the_json_lines_of_the_task_it_queued(
    tmp_path, postgres_url, redis_url, smtp
):
    with app_and_database(tmp_path, postgres_url, redis_url, smtp, LOG_FORMAT="json") as (
        app,
        environ,
    ):
        worker = servers.start_worker(environ, tmp_path / "worker.log", concurrency=1)
        try:
            make_user("admin@example.org", Role.ADMIN)
            client = app.test_client()
            sign_in(client, "admin@example.org")
            client.environ_base["HTTP_X_REQUEST_ID"] = "req-0123456789"
            response = submit(
                client, "/secretariat/users", email="new@example.org", full_name="N", role="staff"
            )
            assert response.status_code == 302
            smtp.wait_for(1, timeout=60)
            servers.wait_until(
                lambda: "succeeded" in worker.output(), 30, "the task's success in the log"
            )
        finally:
            worker.stop()
    lines = [json.loads(line) for line in worker.output().splitlines() if line.startswith("{")]
    task_lines = [line for line in lines if line["request_id"] == "req-0123456789"]
    assert any(outbox.SEND_TASK in line["message"] for line in task_lines), lines[-5:]
    assert all(line["level"] for line in lines)


def test_a_worker_stopped_with_sigterm_finishes_its_message_and_takes_no_new_one(
    tmp_path, postgres_url, redis_url, slow_smtp
):
    with app_and_database(tmp_path, postgres_url, redis_url, slow_smtp) as (_app, environ):
        worker = servers.start_worker(environ, tmp_path / "first.log", concurrency=1)
        try:
            rendered = outbox.RenderedEmail(subject="Notice", text="Text.\n", html=None)
            ids = []
            for number in range(3):
                row = outbox.enqueue(
                    kind="test.notice", recipients=[f"r{number}@example.org"], email=rendered
                )
                db.session.commit()
                ids.append(row.id)
            servers.wait_until(lambda: slow_smtp.handler.started, 30, "the first message")
            worker.process.send_signal(signal.SIGTERM)
            stopping = time.monotonic()
            worker.process.wait(30)
        finally:
            worker.stop()
        # It waited for the relay's answer to the message it was sending...
        assert time.monotonic() - stopping > 1
        [first] = slow_smtp.received
        sent_id = next(i for i in ids if state_of(i) == OutboxState.SENT)
        # ...and took no other: nothing is left half-sent, the others wait.
        assert [state_of(i) for i in ids].count(OutboxState.SENT) == 1
        assert [state_of(i) for i in ids if i != sent_id] == [OutboxState.PENDING] * 2
        assert len(slow_smtp.handler.started) == 1

        # Another worker sends the other two, each once.
        second = servers.start_worker(environ, tmp_path / "second.log", concurrency=1)
        try:
            slow_smtp.wait_for(3, timeout=60)
            servers.wait_until(
                lambda: all(state_of(i) == OutboxState.SENT for i in ids), 30, "all sent"
            )
        finally:
            second.stop()
        recipients = sorted(mail.recipients[0] for mail in slow_smtp.received)
        assert recipients == ["r0@example.org", "r1@example.org", "r2@example.org"]
        assert first.recipients[0] in recipients
