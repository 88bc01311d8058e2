"""The inquiry mailbox, polled by Celery beat."""

from __future__ import annotations

from celery import shared_task

from plenary.inquiries import mailbox


@shared_task(name="inquiries.poll")
def poll() -> dict:
    """Ingest what is new in the inquiry mailbox; safe to run twice at once."""
    report = mailbox.poll()
    return {"new": report.new, "joined": report.joined, "duplicate": report.duplicate,
            "failed": report.failed}  # fmt: skip
