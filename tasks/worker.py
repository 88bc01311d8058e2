"""The entry point of Celery's worker and beat: `celery -A plenary.tasks.worker:celery worker`.

Unlike the web process, they start when Redis is down and wait for it, retrying with
backoff, so that a supervisor (honcho, foreman, systemd) keeps every process running.
"""

import sys

from plenary import create_app
from plenary.config import StartupError

try:
    app = create_app(STARTUP_REQUIRES_REDIS=False)
except StartupError as error:
    sys.exit(f"plenary: {error}")

celery = app.extensions["celery"]
