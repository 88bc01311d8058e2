"""The WSGI entry point: `gunicorn wsgi:app` (Celery's worker and beat use tasks.worker)."""

import sys

from plenary import create_app
from plenary.config import StartupError

try:
    app = create_app()
except StartupError as error:
    sys.exit(f"plenary: {error}")

celery = app.extensions["celery"]
