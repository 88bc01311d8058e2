"""The outbox under faults: real Redis stopped and restarted, Celery workers killed, PostgreSQL.

These tests start their own Redis, so that stopping it leaves the rest of the suite alone,
and use a claim's lease of a few seconds, so that recovering from a kill takes seconds.
"""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis
from flask_migrate import upgrade

from plenary import create_app, outbox
from plenary.extensions import db
from plenary.invitations import operations
from plenary.models import OutboxMessage, OutboxPhase, OutboxState, Role, utcnow
from tests import servers
from tests.conftest import RequestClient, base_settings, submit
from tests.factories import (
    make_addressee,
    make_circular,
    make_country,
    make_event,
    make_user,
    sign_in,
)

LEASE_SECONDS = 8


@pytest.fixture(scope="module")
def own_redis(tmp_path_factory) -> Iterator[servers.RedisServer]:
    shared = os.environ.pop("PLENARY_TEST_REDIS_URL", None)  # always a server we may stop
    try:
        server = servers.start_redis(tmp_path_factory.mktemp("redis-faults"))
    finally:
        if shared:
            os.environ["PLENARY_TEST_REDIS_URL"] = shared
    yield server
    server.stop()


@pytest.fixture
def redis_up(own_redis: servers.RedisServer) -> servers.RedisServer:
    if own_redis.process.poll() is not None:
        own_redis.start()
    redis.Redis.from_url(own_redis.url).flushdb()
    return own_redis


@pytest.fixture
def environ(tmp_path, postgres_url, redis_up, smtp) -> dict[str, str]:
    return base_settings(
        tmp_path,
        DATABASE_URL=postgres_url,
        REDIS_URL=redis_up.url,
        MAIL_SERVER=smtp.host,
        MAIL_PORT=str(smtp.port),
        OUTBOX_STALE_CLAIM_SECONDS=str(LEASE_SECONDS),
        OUTBOX_SWEEP_SECONDS="2",
        OUTBOX_SWEEP_GRACE_SECONDS="10",
        DISPATCH_RESUME_SECONDS="2",
        INVITATIONS_SEND_RATE="0",
    )


@pytest.fixture
def stack_app(environ):
    app = create_app(environ)
    app.test_client_class = RequestClient
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def processes() -> Iterator[list[servers.Worker]]:
    started: list[servers.Worker] = []
    yield started
    for process in started:
        process.stop()


def write_messages(count: int, *, batch: int = 100, bulk: bool = True) -> list[int]:
    """Write `count` messages to distinct recipients, committed batch by batch as a dispatch."""
    ids = []
    for start in range(0, count, batch):
        for number in range(start, min(start + batch, count)):
            rendered = outbox.RenderedEmail(subject=f"CL-26/22 #{number}", text="Hi.\n", html=None)
            message = outbox.enqueue(
                kind="test.bulk",
                recipients=[f"state{number:03d}@example.org"],
                email=rendered,
                bulk=bulk,
            )
            ids.append(message.id)
        db.session.commit()
    return ids


def states() -> Counter:
    db.session.expire_all()
    return Counter(
        dict(
            db.session.execute(
                db.select(OutboxMessage.state, db.func.count()).group_by(OutboxMessage.state)
            ).all()
        )
    )


def in_phase(phase: OutboxPhase, for_seconds: float = 0.0) -> bool:
    """Whether a message has been claimed and in this phase for at least `for_seconds`."""
    db.session.expire_all()
    return bool(
        db.session.scalar(
            db.select(db.func.count()).where(
                OutboxMessage.state == OutboxState.SENDING,
                OutboxMessage.phase == phase,
                OutboxMessage.claimed_at <= utcnow() - timedelta(seconds=for_seconds),
            )
        )
    )


def sent_log_lines(*workers: servers.Worker) -> Counter:
    return Counter(
        int(match)
        for worker in workers
        for match in re.findall(r"outbox (\d+) sent: build", worker.output())
    )


def test_two_worker_processes_on_postgresql_never_send_a_message_twice(
    stack_app, environ, smtp, processes, tmp_path
):
    first = servers.start_worker(environ, tmp_path / "first.log")
    processes.append(first)
    second = servers.start_worker(environ, tmp_path / "second.log")
    processes.append(second)
    ids = write_messages(40, bulk=False)
    send = stack_app.extensions["celery"].tasks[outbox.SEND_TASK]
    for message_id in ids:  # two more copies of every task, for the two workers to race on
        send.delay(message_id)
        send.delay(message_id)
    servers.wait_until(lambda: states()[OutboxState.SENT] == 40, 120, "40 messages sent")
    # A row is claimed only while pending, so once all are sent no copy can send again.
    assert Counter(mail.recipients[0] for mail in smtp.received) == {
        f"state{number:03d}@example.org": 1 for number in range(40)
    }
    servers.wait_until(
        lambda: sum(sent_log_lines(first, second).values()) == 40, 30, "the workers' logs"
    )
    lines = sent_log_lines(first, second)
    # Each message logged once: Flask's handler does not repeat Celery's.
    assert lines == dict.fromkeys(ids, 1)
    assert sent_log_lines(first) and sent_log_lines(second)  # both workers took part


def test_bulk_mail_of_two_dispatches_keeps_to_one_rate(
    stack_app, environ, smtp, processes, tmp_path
):
    rate = 5
    environ = {**environ, "INVITATIONS_SEND_RATE": str(rate)}
    processes.append(servers.start_worker(environ, tmp_path / "worker.log", concurrency=3))
    write_messages(10, batch=5)  # two dispatches of five, written at once
    received = smtp.wait_for(10, timeout=60)
    times = sorted(mail.received_at for mail in received)
    # Nine intervals of 1/rate between the first and the last, less the jitter of one send.
    assert times[-1] - times[0] >= (10 - 1) / rate - 0.3


def test_a_worker_and_beat_started_while_redis_is_down_wait_for_it(
    stack_app, environ, redis_up, smtp, processes, tmp_path
):
    production = {**environ, "PLENARY_ENV": "production", "SECRET_KEY": "s" * 40,
                  "BASE_URL": "https://plenary.example.org"}  # fmt: skip
    redis_up.stop()
    worker = servers.start_process(
        "worker", {**production, "WORKER_CONCURRENCY": "1"}, tmp_path / "worker.log"
    )
    processes.append(worker)
    beat = servers.start_beat(production, tmp_path / "beat.log")
    processes.append(beat)
    servers.wait_until(
        lambda: "Cannot connect to redis" in worker.output() or worker.process.poll() is not None,
        60,
        "the worker to try the broker",
    )
    servers.wait_until(
        lambda: "beat: Connection error" in beat.output() or beat.process.poll() is not None,
        60,
        "beat to try the broker",
    )
    assert worker.process.poll() is None, worker.output()[-2000:]
    assert beat.process.poll() is None, beat.output()[-2000:]

    write_messages(1)  # written while Redis is down: left for the sweep
    redis_up.start()
    [received] = smtp.wait_for(1, timeout=90)
    assert received.recipients == ["state000@example.org"]
    assert worker.process.poll() is None and beat.process.poll() is None


def test_send_pressed_while_redis_is_down_is_queued_and_goes_when_it_is_back(
    stack_app, environ, redis_up, smtp, processes, tmp_path
):
    event = make_event()
    make_addressee(make_country("EE"), "administration", "admin.ee@example.org")
    circular = make_circular(event)
    db.session.commit()
    operations.approve(circular, None, actor="test")
    make_user("staff@example.org", Role.STAFF)
    db.session.commit()
    client = stack_app.test_client()
    sign_in(client, "staff@example.org")
    show = f"/secretariat/invitations/circulars/{circular.id}"

    redis_up.stop()
    response = submit(client, show, f"{show}/send")
    assert response.status_code == 302
    page = client.get(show).get_data(as_text=True)
    assert "the messages will go as soon as it is back" in page

    redis_up.start()
    # The first PDF letter of a worker loads its fonts: give it more than the short lease.
    environ = {**environ, "OUTBOX_STALE_CLAIM_SECONDS": "120"}
    processes.append(servers.start_worker(environ, tmp_path / "worker.log", concurrency=1))
    processes.append(servers.start_beat(environ, tmp_path / "beat.log"))
    [received] = smtp.wait_for(1, timeout=120)
    assert received.recipients == ["admin.ee@example.org"]
    assert received.message["Subject"].startswith("CL-26/22")


def test_proof_300_messages_two_kills_and_a_redis_restart(
    stack_app, environ, redis_up, smtp, processes, tmp_path
):
    """Every recipient gets exactly one message, except those reported uncertain."""
    kills = 0
    worker = servers.start_worker(environ, tmp_path / "worker-1.log")
    processes.append(worker)
    processes.append(servers.start_beat(environ, tmp_path / "beat.log"))
    ids = write_messages(300)

    def progress(count: int) -> None:
        smtp.wait_for(count, timeout=120)

    progress(60)
    # Kill it while it waits for the server to accept a recipient: before the message left.
    smtp.handler.rcpt_delay = 0.5
    servers.wait_until(lambda: in_phase(OutboxPhase.PREPARING, 0.2), 30, "a message preparing")
    worker.kill()
    kills += 1
    smtp.handler.rcpt_delay = 0.0
    worker = servers.start_worker(environ, tmp_path / "worker-2.log")
    processes.append(worker)

    progress(140)
    redis_up.stop()
    redis_up.start()

    progress(200)
    # Kill it while the server takes the message: it may or may not have arrived.
    smtp.handler.data_delay = 0.5
    servers.wait_until(lambda: in_phase(OutboxPhase.TRANSMITTING), 30, "a message transmitting")
    worker.kill()
    kills += 1
    smtp.handler.data_delay = 0.0
    last_fault = time.monotonic()
    worker = servers.start_worker(environ, tmp_path / "worker-3.log")
    processes.append(worker)

    def settled() -> bool:
        counts = states()
        return counts[OutboxState.SENT] + counts[OutboxState.UNCERTAIN] == len(ids)

    servers.wait_until(settled, 120, "every message sent or reported uncertain")
    settled_after = time.monotonic() - last_fault
    counts = states()
    uncertain = {
        recipients[0]
        for recipients in db.session.scalars(
            db.select(OutboxMessage.recipients).where(OutboxMessage.state == OutboxState.UNCERTAIN)
        )
    }
    sent_again = db.session.scalar(
        db.select(db.func.count()).where(
            OutboxMessage.state == OutboxState.SENT, OutboxMessage.attempts > 1
        )
    )
    received = Counter(mail.recipients[0] for mail in smtp.received)
    expected = {f"state{number:03d}@example.org" for number in range(300)}
    print(
        f"\nproof: {len(ids)} messages, {kills} kills, 1 Redis restart: "
        f"{counts[OutboxState.SENT]} sent ({sent_again} of them again after a kill), "
        f"{len(uncertain)} uncertain, "
        f"{sum(received.values())} received by SMTP, "
        f"{sum(1 for n in received.values() if n > 1)} recipients with more than one, "
        f"settled {settled_after:.1f} s after the last fault"
    )
    assert len(uncertain) <= kills
    assert settled_after < 120
    for recipient in expected - uncertain:
        assert received[recipient] == 1, recipient
    for recipient in uncertain:
        assert received[recipient] <= 1, recipient
    assert set(received) <= expected
