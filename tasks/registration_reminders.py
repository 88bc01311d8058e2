"""Reminding the focal points of incomplete delegations (Celery beat, hourly)."""

from __future__ import annotations

from celery import shared_task

from plenary.extensions import db
from plenary.registration import reminders


@shared_task(name="registration.remind_incomplete")
def remind_incomplete() -> dict:
    """Remind each incomplete delegation not reminded within the configured interval."""
    sent = reminders.remind_due(actor="beat")
    db.session.commit()
    return {"reminded": sent}
