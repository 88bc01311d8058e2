"""Sending the outbox: one task per message, and the periodic sweep."""

from __future__ import annotations

from celery import shared_task
from kombu.exceptions import OperationalError as BrokerUnavailable

from plenary import outbox


@shared_task(name=outbox.SEND_TASK, bind=True, max_retries=None)
def send(self, message_id: int) -> str:
    """Send one outbox row; on a passing failure, or waiting for its slot, try again later."""
    eager = self.app.conf.task_always_eager
    outcome = outbox.deliver(message_id, throttle=not eager)
    if outcome.retry_in is not None and not eager:
        try:
            raise self.retry(countdown=outcome.retry_in)
        except BrokerUnavailable:
            pass  # the row is pending: the sweep queues it when the broker is back
    return outcome.state


@shared_task(name="plenary.outbox.sweep")
def sweep() -> dict:
    """Queue what is due, send again what a dead worker never handed over, flag the rest."""
    result = outbox.sweep()
    return {
        "queued": len(result.queued),
        "resent": len(result.resent),
        "interrupted": len(result.interrupted),
    }
