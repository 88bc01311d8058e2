"""The Celery app, bound to Flask the way Flask's documentation shows: tasks run in app context.

Tasks take ids, not objects; they acknowledge late and are safe to run twice. With no
REDIS_URL they run in-process, eagerly, and the periodic jobs run in `flask serve`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import Celery, Task
from celery.worker.request import Request
from flask import Flask

logger = logging.getLogger(__name__)


class TolerantRequest(Request):
    """A task request whose acknowledgement survives a broker restart.

    The task's work is done and recorded in the database by then; a connection error
    while acknowledging it is logged, and the worker carries on (the task is idempotent
    should the broker deliver it again).
    """

    def acknowledge(self) -> None:
        try:
            super().acknowledge()
        except (OSError, *self._connection_errors) as error:
            self.acknowledged = True
            logger.warning("could not acknowledge task %s: %r", self.id, error)

    def reject(self, requeue: bool = False) -> None:
        try:
            super().reject(requeue=requeue)
        except (OSError, *self._connection_errors) as error:
            self.acknowledged = True
            logger.warning("could not reject task %s: %r", self.id, error)


TASK_MODULES = (
    "plenary.tasks.outbox",
    "plenary.tasks.invitations",
    "plenary.tasks.registration_reminders",
    "plenary.tasks.inquiries",
    "plenary.tasks.housekeeping",
)


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
        # Focal points of incomplete delegations, at most once per interval each.
        "registration-incomplete-reminders": {
            "task": "registration.remind_incomplete",
            "schedule": timedelta(hours=1),
        },
        # A dispatch whose worker died part-way through is taken up again.
        # (and one sent while Redis was down is started once it is back).
        "circular-dispatch-resume": {
            "task": "invitations.resume_dispatch",
            "schedule": timedelta(seconds=app.config["DISPATCH_RESUME_SECONDS"]),
        },
        "inquiries-poll": {
            "task": "inquiries.poll",
            "schedule": timedelta(seconds=app.config["INQUIRY_POLL_SECONDS"]),
        },
        "temporary-files-purge": {
            "task": "plenary.temporary_files.purge",
            "schedule": timedelta(minutes=app.config["TEMPORARY_FILE_PURGE_MINUTES"]),
        },
    }


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for this Flask app and keep it in app.extensions['celery']."""

    class FlaskTask(Task):
        Request = TolerantRequest

        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    from plenary import outbox

    send_limits = outbox.limits(app.config)
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
            # Wait for the broker forever, with backoff, rather than exit after 100 tries.
            "broker_connection_max_retries": None,
            # Keep running tasks when the broker goes away: their results are in the database.
            "worker_cancel_long_running_tasks_on_connection_loss": False,
            # A send is over before its claim's lease ends: a stalled one cannot finish later.
            "task_annotations": {
                outbox.SEND_TASK: {
                    "soft_time_limit": send_limits.soft_time_limit,
                    "time_limit": send_limits.time_limit,
                }
            },
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
