"""Sending circulars and reminding those who have not answered."""

from __future__ import annotations

from celery import shared_task

from plenary.invitations import operations


@shared_task(name="invitations.dispatch", bind=True, max_retries=5)
def dispatch(self, circular_id: int) -> dict:
    """Invite the circular's audience: safe to run twice, resumable after a crash."""
    try:
        result = operations.dispatch(circular_id)
    except operations.CircularNotReady:
        return {"skipped": True}
    return result.__dict__


@shared_task(name="invitations.send_due_reminders")
def send_due_reminders() -> dict:
    """The one automatic reminder to those who have not answered N days before the deadline."""
    return {"reminded": operations.send_automatic_reminders()}


@shared_task(name="invitations.resume_dispatch")
def resume_dispatch() -> dict:
    """Queue the dispatch again of every circular left in the sending state."""
    ids = operations.circulars_being_sent()
    for circular_id in ids:
        dispatch.delay(circular_id)
    return {"resumed": len(ids)}
