"""Queueing background work by task name, without importing the tasks package."""

from __future__ import annotations

from typing import Any

from flask import current_app


def enqueue(task_name: str, *args: Any, countdown: float | None = None) -> None:
    """Queue a task of this app's Celery (run in-process at once when there is no broker)."""
    task = current_app.extensions["celery"].tasks[task_name]
    task.apply_async(args, countdown=countdown)
