"""The checkout's entry point (`gunicorn wsgi:app`, `flask --app wsgi`): the package's own."""

from plenary.wsgi import app, celery

__all__ = ["app", "celery"]
