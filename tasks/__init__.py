"""The Celery app, bound to Flask the way Flask's documentation shows: tasks run in app context.

Tasks take ids, not objects; they acknowledge late and are safe to run twice. With no
REDIS_URL they run in-process, eagerly, and the periodic jobs run in `flask serve`.
"""

from __future__ import annotations

from datetime import timedelta

from celery import Celery, Task
from flask import Flask

TASK_MODULES = ("tasks.outbox", "tasks.invitations", "tasks.housekeeping")


def beat_schedule(app: Flask) -> dict:
    """The periodic jobs: name -> task and interval."""
    return {
        "outbox-sweep": {
            "task": "plenary.outbox.sweep",
            "schedule": timedelta(seconds=app.config["OUTBOX_SWEEP_SECONDS"]),
        },
        "invitation-reminders": {
            "task": "invitations.send_due_reminders",
            "schedule": timedelta(hours=1),
        },
        # A dispatch whose worker died part-way through is taken up again.
        "circular-dispatch-resume": {
            "task": "invitations.resume_dispatch",
            "schedule": timedelta(minutes=5),
        },
        "temporary-files-purge": {
            "task": "plenary.temporary_files.purge",
            "schedule": timedelta(minutes=app.config["TEMPORARY_FILE_PURGE_MINUTES"]),
        },
    }


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for this Flask app and keep it in app.extensions['celery']."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    redis_url = app.config["REDIS_URL"]
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(
        {
            "broker_url": redis_url or "memory://",
            "task_always_eager": redis_url is None,
            # Tests see a task's error; a request on the embedded default does not fail with it.
            "task_eager_propagates": app.config["TESTING"],
            "task_serializer": "json",
            "accept_content": ["json"],
            "result_serializer": "json",
            "task_ignore_result": True,
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "broker_connection_retry_on_startup": True,
            # A message unacknowledged for this long is given to another worker.
            "broker_transport_options": {"visibility_timeout": 3600},
            "task_publish_retry_policy": {"max_retries": 2, "interval_start": 0.2},
            "beat_schedule": beat_schedule(app),
            "timezone": "UTC",
        }
    )
    celery_app.set_default()
    celery_app.loader.import_default_modules()
    for module in TASK_MODULES:
        __import__(module)
    # Shared tasks bind to every Celery app; finalising makes them visible in .tasks now.
    celery_app.finalize(auto=True)
    app.extensions["celery"] = celery_app
    return celery_app
