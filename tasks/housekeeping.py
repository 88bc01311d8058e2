"""Periodic clean-up of what the database keeps only for a while."""

from __future__ import annotations

from celery import shared_task

from plenary import temporary_files


@shared_task(name="plenary.temporary_files.purge")
def purge_temporary_files() -> dict:
    """Delete the temporary files (import previews) that have expired."""
    return {"deleted": temporary_files.purge_expired()}
