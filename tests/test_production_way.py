"""The whole production way: PostgreSQL, Redis, a Celery worker from the Procfile, SMTP."""

from __future__ import annotations

import re
from datetime import timedelta

from plenary import outbox
from plenary.extensions import db
from plenary.models import OutboxMessage, OutboxState, Role, utcnow
from tests import servers
from tests.conftest import submit
from tests.factories import make_user, sign_in


def test_a_request_sends_its_email_through_the_worker_exactly_once(production_stack):
    stack = production_stack
    make_user("admin@example.org", Role.ADMIN)
    client = stack.app.test_client()
    sign_in(client, "admin@example.org")

    response = submit(
        client,
        "/secretariat/users",
        email="colleague@example.org",
        full_name="A Colleague",
        role="staff",
    )
    assert response.status_code == 302

    [received] = stack.smtp.wait_for(1, timeout=60)
    row = db.session.scalar(db.select(OutboxMessage).filter_by(kind="core.account_link"))
    assert received.recipients == ["colleague@example.org"]
    assert received.message["Message-ID"] == row.message_id
    assert received.message["From"] == "AI Dialogue <ai.dialogue@example.org>"
    assert received.message["Subject"] == "Your Plenary account"
    body = received.message.get_body(("plain",)).get_content()
    assert re.search(r"http://plenary\.test/account/password/\S+", body)
    servers.wait_until(lambda: _state(row.id) == OutboxState.SENT, 30, "the row marked sent")
    assert f"Task {outbox.SEND_TASK}" in stack.worker.output()

    # Queue it again, and sweep: the worker claims nothing, the server gets nothing more.
    tasks = stack.app.extensions["celery"].tasks
    again = tasks[outbox.SEND_TASK].delay(row.id)
    sweep = tasks["plenary.outbox.sweep"].delay()
    for task in (again, sweep):  # wait until the worker has run both, then count
        servers.wait_until(
            lambda task=task: f"[{task.id}] succeeded" in stack.worker.output(), 30, "the task"
        )
    assert re.search(rf"\[{again.id}\] succeeded in [\d.]+s: 'skipped'", stack.worker.output())
    assert len(stack.smtp.received) == 1


def waiting_tasks(stack) -> int:
    import redis

    celery_app = stack.app.extensions["celery"]
    client = redis.Redis.from_url(stack.environ["REDIS_URL"])
    return client.llen(celery_app.conf.task_default_queue)


def test_a_message_written_while_redis_was_down_is_sent_by_the_sweep(production_stack):
    stack = production_stack
    rendered = outbox.RenderedEmail(subject="Reminder", text="Please register.\n", html=None)
    outbox.enqueue(kind="test.reminder", recipients=["focal@example.org"], email=rendered)
    db.session.info.pop("outbox_ids_to_queue")  # the after-commit queueing never happened
    db.session.commit()
    # Nothing was queued, so nothing can be sent until the sweep finds the row.
    assert waiting_tasks(stack) == 0
    assert stack.smtp.received == []

    # The sweep gives a just-written row 30 s of grace; run it as beat would, a minute later.
    queued = outbox.sweep(now=utcnow() + timedelta(minutes=1)).queued
    assert len(queued) == 1
    [received] = stack.smtp.wait_for(1, timeout=60)
    assert received.recipients == ["focal@example.org"]


def _state(message_id: int) -> OutboxState:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id).state
