"""The WSGI entry point: `gunicorn plenary.wsgi:app`; the Celery worker uses `plenary.wsgi.celery`.

It is part of the package, so it works the same from the checkout and once installed.
"""

import sys

from plenary import create_app
from plenary.config import StartupError

try:
    app = create_app()
except StartupError as error:
    sys.exit(f"plenary: {error}")

celery = app.extensions["celery"]
