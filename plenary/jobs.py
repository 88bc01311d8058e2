"""Queueing background work by task name, without importing the tasks package.

With a broker the task goes to Celery. On the embedded default there is none: the task
runs in this process, on one background thread in order, so that a request that sends a
circular answers at once and its page can show the progress; with TESTING it runs at once,
inside the call, so that tests see its effects without waiting.
"""

from __future__ import annotations

import contextvars
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from flask import Flask, current_app

_executors: dict[int, ThreadPoolExecutor] = {}
_pending: set[Future] = set()
_lock = threading.Lock()


def _forget(future: Future) -> None:
    with _lock:
        _pending.discard(future)


def enqueue(task_name: str, *args: Any, countdown: float | None = None) -> None:
    """Queue a task of this app's Celery by name."""
    app = current_app._get_current_object()
    celery_app = app.extensions["celery"]
    task = celery_app.tasks[task_name]
    if not celery_app.conf.task_always_eager:
        task.apply_async(args, countdown=countdown)
    elif app.config["TESTING"]:
        task.apply(args)
    else:
        # One thread: in-process tasks run one after the other, as SQLite likes best.
        # The task's log lines carry the id of the request that queued it.
        future = _executor(app).submit(contextvars.copy_context().run, task.apply, args)
        with _lock:
            _pending.add(future)
        future.add_done_callback(_forget)


def _executor(app: Flask) -> ThreadPoolExecutor:
    with _lock:
        executor = _executors.get(id(app))
        if executor is None:
            executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="plenary-task")
            _executors[id(app)] = executor
        return executor


def wait_for_background_tasks() -> None:
    """Wait until no in-process task is left, including those queued by tasks meanwhile."""
    while True:
        with _lock:
            pending = set(_pending)
        if not pending:
            return
        wait(pending)
