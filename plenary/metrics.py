"""Prometheus metrics at /metrics, for the alerts the README describes.

The outbox figures are read from the outbox table at each scrape (one grouped query), so
every web process and host reports the same truth; the Celery queue lengths are read from
Redis. Request latency is measured in each process: with several gunicorn workers, set
PROMETHEUS_MULTIPROC_DIR to an empty local folder so that a scrape sums them all.
/metrics answers only with `Authorization: Bearer <METRICS_TOKEN>`; without METRICS_TOKEN it
does not exist.
"""

from __future__ import annotations

import hmac
import os
import time

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import func

from .auth import public
from .extensions import db, limiter
from .models import OutboxMessage, OutboxState, utcnow

bp = Blueprint("metrics", __name__)


class OutboxCollector:
    """Outbox messages by state, sent and attempted so far, and the oldest pending one's age."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self):
        with self.app.app_context():
            rows = db.session.execute(
                db.select(
                    OutboxMessage.state,
                    func.count(),
                    func.coalesce(func.sum(OutboxMessage.attempts), 0),
                    func.min(OutboxMessage.created_at),
                ).group_by(OutboxMessage.state)
            ).all()
            db.session.remove()
        by_state = {
            OutboxState(state): (count, attempts, oldest) for state, count, attempts, oldest in rows
        }
        messages = GaugeMetricFamily(
            "plenary_outbox_messages", "Outbox messages by state.", labels=["state"]
        )
        for state in OutboxState:
            messages.add_metric([state.value], by_state.get(state, (0, 0, None))[0])
        yield messages
        sent = CounterMetricFamily(
            "plenary_outbox_sent",
            "Messages the SMTP relay accepted, ever (rate() gives the send rate).",
        )
        sent.add_metric([], by_state.get(OutboxState.SENT, (0,))[0])
        yield sent
        failed = CounterMetricFamily(
            "plenary_outbox_failed", "Messages that ended failed, ever (each waits for staff)."
        )
        failed.add_metric([], by_state.get(OutboxState.FAILED, (0,))[0])
        yield failed
        attempts = CounterMetricFamily(
            "plenary_outbox_attempts", "Sending attempts, successful or not, ever."
        )
        attempts.add_metric([], sum(value[1] for value in by_state.values()))
        yield attempts
        oldest = by_state.get(OutboxState.PENDING, (0, 0, None))[2]
        age = GaugeMetricFamily(
            "plenary_outbox_oldest_pending_age_seconds",
            "Age of the oldest message still pending (0 when none is).",
        )
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=utcnow().tzinfo)
        age.add_metric([], (utcnow() - oldest).total_seconds() if oldest else 0.0)
        yield age


class CeleryQueueCollector:
    """Messages waiting in each Celery queue in Redis."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self):
        url = self.app.config["REDIS_URL"]
        if not url:
            return
        import redis

        celery_app = self.app.extensions["celery"]
        queues = {celery_app.conf.task_default_queue} | {
            queue.name for queue in (celery_app.conf.task_queues or ())
        }
        family = GaugeMetricFamily(
            "plenary_celery_queue_length", "Tasks waiting in a Celery queue.", labels=["queue"]
        )
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            for queue in sorted(queues):
                family.add_metric([queue], client.llen(queue))
        except redis.RedisError:
            return  # /readyz reports Redis; a scrape still gives the other figures
        finally:
            client.close()
        yield family


def _registry(app: Flask) -> CollectorRegistry:
    # No auto_describe: it would query the database when the app is built.
    registry = CollectorRegistry(auto_describe=False)
    registry.register(OutboxCollector(app))
    registry.register(CeleryQueueCollector(app))
    return registry


@bp.get("/metrics")
@public  # guarded by its own bearer token (METRICS_TOKEN), 404 without one
@limiter.exempt
def metrics():
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        abort(403)
    state = current_app.extensions["plenary_metrics"]
    registry = state["registry"]
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = _registry(current_app._get_current_object())
        multiprocess.MultiProcessCollector(registry)
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    registry = _registry(app)
    latency = Histogram(
        "plenary_request_duration_seconds",
        "Time to answer a request, by endpoint.",
        ["endpoint", "method"],
        registry=registry,
        buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    )
    app.extensions["plenary_metrics"] = {"registry": registry, "latency": latency}
    app.register_blueprint(bp)

    @app.before_request
    def start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def observe(response):
        started = g.get("metrics_started")
        if started is not None:
            # The endpoint, never the path: a bounded set of labels.
            latency.labels(request.endpoint or "(no route)", request.method).observe(
                time.perf_counter() - started
            )
        return response
