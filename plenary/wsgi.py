"""The WSGI entry point: `gunicorn plenary.wsgi:app`.

It is part of the package, so it works the same from the checkout and once installed.
Celery's worker and beat use `plenary.tasks.worker`, which waits for Redis instead.
"""

import sys

from plenary import create_app
from plenary.config import StartupError
from plenary.warmup import freeze, warm

try:
    app = create_app()
except StartupError as error:
    sys.exit(f"plenary: {error}")
# In gunicorn's master, before it forks the workers (--preload).
warm(app)
freeze()

celery = app.extensions["celery"]
