"""Sending the outbox: one task per message, and the periodic sweep."""

from __future__ import annotations

from celery import shared_task

from plenary import outbox


@shared_task(name=outbox.SEND_TASK, bind=True, max_retries=None)
def send(self, message_id: int) -> str:
    """Send one outbox row; on a passing failure, try again later with backoff."""
    outcome = outbox.deliver(message_id)
    if outcome.retry_in is not None and not self.app.conf.task_always_eager:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


@shared_task(name="plenary.outbox.sweep")
def sweep() -> dict:
    """Queue what is due and fail what a dead worker left half-sent."""
    result = outbox.sweep()
    return {"queued": len(result.queued), "interrupted": len(result.interrupted)}
