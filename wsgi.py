"""The WSGI entry point: `gunicorn wsgi:app`; the Celery worker uses `wsgi.celery`."""

import sys

from plenary import create_app
from plenary.config import StartupError

try:
    app = create_app()
except StartupError as error:
    sys.exit(f"plenary: {error}")

celery = app.extensions["celery"]
