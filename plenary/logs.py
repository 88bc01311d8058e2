"""Logs: one line per request with its id, the id carried into the tasks it queues.

LOG_FORMAT=json writes one JSON object per line for log collectors; the default is text.
The request line names the route's rule (`/account/password/<token>`), not the path, so
personal tokens never reach the log; query strings are not logged. WeasyPrint's and
fontTools' per-page INFO lines are kept out.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, request
from flask.logging import default_handler

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

HEADER = "X-Request-ID"
CELERY_HEADER = "plenary_request_id"
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Routes probed every few seconds: their lines would drown the others.
QUIET_ENDPOINTS = {"health.healthz", "health.readyz", "metrics.metrics", "static"}
NOISY_LOGGERS = ("weasyprint", "weasyprint.progress", "fontTools")
# Secrets that might end up in a message all the same: a URL's password, key=value pairs.
_SECRETS = (
    (re.compile(r"(://[^:/@\s]+:)[^@\s]+@"), r"\1***@"),
    (re.compile(r"(?i)\b(password|passwd|token|secret|api_key)=([^\s&]+)"), r"\1=***"),
)

_record_factory_installed = False


def redact(message: str) -> str:
    for pattern, replacement in _SECRETS:
        message = pattern.sub(replacement, message)
    return message


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JSONFormatter(logging.Formatter):
    FIELDS = ("method", "path", "endpoint", "status", "duration_ms", "task", "task_id")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", None),
        }
        entry.update({key: getattr(record, key) for key in self.FIELDS if hasattr(record, key)})
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def _install_record_factory() -> None:
    """Every log record, from any library, carries the current request id."""
    global _record_factory_installed
    if _record_factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = request_id.get() or "-"
        return record

    logging.setLogRecordFactory(factory)
    _record_factory_installed = True


def configure(log_format: str, level: int = logging.INFO, force: bool = False) -> None:
    """Send the root logger's lines to stderr in the chosen format.

    Left alone when something else already configured it (pytest, a custom config), unless
    forced (Celery's setup_logging signal hands logging over to us).
    """
    _install_record_factory()
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    root = logging.getLogger()
    if root.handlers and not force:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JSONFormatter() if log_format == "json" else TextFormatter())
    root.handlers[:] = [handler]
    root.setLevel(level)
    # The root handler writes every line; Flask's own on the app's logger would repeat them.
    logging.getLogger("plenary").removeHandler(default_handler)


def init_app(app: Flask) -> None:
    configure(app.config["LOG_FORMAT"])
    if app.config["PLENARY_ENV"] != "testing":
        # Werkzeug's own request lines would show tokens in paths: ours replace them.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logger = logging.getLogger("plenary.request")

    @app.before_request
    def start_request() -> None:
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if _VALID_ID.fullmatch(incoming) else uuid.uuid4().hex
        g.request_token = request_id.set(g.request_id)
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        if "request_id" not in g:
            return response
        response.headers[HEADER] = g.request_id
        duration_ms = round((time.perf_counter() - g.request_started) * 1000, 1)
        rule = request.url_rule.rule if request.url_rule else "(no route)"
        level = logging.DEBUG if request.endpoint in QUIET_ENDPOINTS else logging.INFO
        logger.log(
            level,
            "%s %s %s %.1fms",
            request.method,
            rule,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": rule,
                "endpoint": request.endpoint,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response

    @app.teardown_request
    def forget_request_id(error: BaseException | None = None) -> None:
        token = g.pop("request_token", None)
        if token is not None:
            request_id.reset(token)

    connect_celery_signals()


_celery_connected = False


def connect_celery_signals() -> None:
    """Carry the request id into queued tasks, and let Celery's processes log our way."""
    global _celery_connected
    if _celery_connected:
        return
    from celery import signals

    @signals.before_task_publish.connect(weak=False)
    def add_request_id(headers: dict | None = None, **kwargs) -> None:
        current = request_id.get()
        if current and headers is not None:
            headers[CELERY_HEADER] = current

    @signals.task_prerun.connect(weak=False)
    def adopt_request_id(task=None, **kwargs) -> None:
        incoming = getattr(task.request, CELERY_HEADER, None) if task else None
        if incoming is None and task is not None:
            incoming = (getattr(task.request, "headers", None) or {}).get(CELERY_HEADER)
        if incoming:
            task.request._plenary_token = request_id.set(incoming)

    @signals.task_postrun.connect(weak=False)
    def forget_task_request_id(task=None, **kwargs) -> None:
        token = getattr(task.request, "_plenary_token", None) if task else None
        if token is not None:
            request_id.reset(token)
            task.request._plenary_token = None

    @signals.setup_logging.connect(weak=False)
    def celery_logging(loglevel=logging.INFO, **kwargs) -> None:
        import os

        configure(os.environ.get("LOG_FORMAT", "text"), level=loglevel or logging.INFO, force=True)

    _celery_connected = True
