"""create_app: settings, extensions, areas, tasks, commands, error pages, headers."""

from __future__ import annotations

import functools
import logging
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import (
    format_datetime,
    format_interval,
)
from flask import Flask, Response, render_template, request
from flask.globals import request_ctx
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config, countries, i18n, inputs, logs, requestlog, transactions
from .extensions import babel, csrf, db, limiter, login_manager, mail, migrate
from .i18n import (
    LANGUAGES,
    current_language,
    format_deadline,
    install_translations,
    pick,
    select_locale,
    text_direction,
)

ROOT = config.RESOURCES


def create_app(environ: dict[str, str] | None = None, **overrides: Any) -> Flask:
    """Build the application from environment variables (or the mapping given) and overrides."""
    app = Flask(
        "plenary",
        root_path=str(ROOT),
        # The working directory's instance/, wherever the package is installed.
        instance_path=str(
            Path((environ or os.environ).get("INSTANCE_PATH") or Path.cwd() / "instance").resolve()
        ),
        template_folder="templates",
        static_folder="static",
    )
    app.config.update(
        config.load(environ if environ is not None else os.environ, app.instance_path)
    )
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    inputs.register(app)  # before the blueprints: their rules use its URL converters
    requestlog.register(app)
    register_proxies(app)
    register_extensions(app)
    register_blueprints(app)
    register_tasks(app)
    register_commands(app)
    register_error_pages(app)
    register_templates(app)
    register_headers(app)
    register_operations(app)
    if app.config["PLENARY_ENV"] == "production":
        check_production(app)
    return app


def register_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies, read the client's address from X-Forwarded-For."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        # Only the last `hops` entries are trusted: a forged X-Forwarded-For sent by the
        # client itself sits before them and is ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register_extensions(app: Flask) -> None:
    app.config.setdefault("MAIL_SUPPRESS_SEND", False)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    babel.init_app(app, locale_selector=select_locale)
    install_translations(app)
    mail.init_app(app)
    limiter.init_app(app)
    transactions.init_app(app)
    # Importing the modules registers the Flask-Login user loader and the outbox's secret marker.
    from . import auth, redaction  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from plenary.inquiries import bp as inquiries_bp
    from plenary.invitations import bp as invitations_bp
    from plenary.registration import bp as registration_bp

    from .views import auth, secretariat, site

    for blueprint in (site, auth, secretariat, registration_bp, invitations_bp, inquiries_bp):
        app.register_blueprint(blueprint)


def register_tasks(app: Flask) -> None:
    from plenary.tasks import celery_init_app

    celery_init_app(app)


def register_commands(app: Flask) -> None:
    from .cli import register

    register(app)


def register_error_pages(app: Flask) -> None:
    messages = {
        400: lambda: _("The request could not be understood."),
        403: lambda: _("You are not allowed to see this page."),
        404: lambda: _("This page does not exist."),
        405: lambda: _("This page does not accept that request."),
        410: lambda: _("This link has expired."),
        413: lambda: _("The file is too large."),
        429: lambda: _("Too many attempts. Please wait a moment and try again."),
        500: lambda: _("Something went wrong on our side. The Secretariat has been told."),
    }

    def render(code: int, message: str):
        if request_ctx.url_adapter is None:
            # A Host header no URL can be built for (werkzeug's BadHost): the page's links
            # and styles cannot be written, so the message goes alone.
            return Response(f"{code} {message}\n", code, mimetype="text/plain")
        return render_template("errors/error.html", code=code, message=message), code

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        message = messages.get(code, lambda: error.description)()
        return render(code, message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render(400, _("The form had expired. Please go back, reload it and try again."))

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        # The route, not the path: a personal link's token must not reach the logs.
        app.logger.exception(
            "unhandled error on %s %s", request.method, requestlog.loggable_path(request.environ)
        )
        return render(500, messages[500]())


def register_templates(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def language_context() -> dict[str, Any]:
        language = current_language()
        return {
            "languages": LANGUAGES,
            "current_language": language,
            "text_direction": text_direction(language),
        }

    app.jinja_env.filters["pick"] = pick
    app.jinja_env.filters["event_time"] = event_time
    app.jinja_env.filters["date_range"] = date_range
    app.jinja_env.filters["event_datetime"] = event_datetime
    app.jinja_env.filters["programme_time"] = programme_time
    app.jinja_env.filters["region_label"] = countries.region_label
    app.jinja_env.globals["mail_state_label"] = mail_state_label


def event_time(value: datetime, event: Any, format: str = "medium") -> str:
    """A UTC timestamp shown in the event's own time zone and the reader's language."""
    return format_datetime(value, format, tzinfo=ZoneInfo(event.timezone), locale=get_locale())


def event_datetime(value: datetime, event: Any) -> str:
    """A deadline in the event's time zone, named: '26 June 2026, 23:59 (Central European …)'."""
    return format_deadline(value, event.timezone, current_language())


def programme_time(value: datetime, event: Any) -> str:
    """When a programme item starts, its weekday named: 'Tuesday 7 July, 10:00'."""
    return i18n.programme_time(value, event.timezone, current_language())


def date_range(start: date, end: date) -> str:
    """'6–7 July 2026' in the reader's language."""
    return _date_range(start, end, get_locale())


@functools.lru_cache(maxsize=256)
def _date_range(start: date, end: date, locale: Locale | None) -> str:
    # Every focal point's page shows the event's dates: Babel matching the skeleton to the
    # locale's patterns each time was a twentieth of the page's rendering.
    return format_interval(start, end, skeleton="yMMMMd", locale=locale)


def mail_state_label(state: str) -> str:
    labels = {
        "pending": _("pending"),
        "sending": _("sending"),
        "sent": _("sent"),
        "failed": _("failed"),
        "uncertain": _("uncertain"),
    }
    return labels.get(str(state), str(state))


def register_headers(app: Flask) -> None:
    policy = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
    )
    https = app.config["BASE_URL"].startswith("https://")

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        # Personal links carry tokens in their path: never leak them to another site.
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.endpoint != "static":
            headers.setdefault("Cache-Control", "no-store")
        if https:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def register_operations(app: Flask) -> None:
    """Health checks, request logs and metrics, for those who run Plenary."""
    from . import health, metrics

    logs.init_app(app)
    health.init_app(app)
    metrics.init_app(app)


def check_production(app: Flask) -> None:
    """Refuse to start in production with the development key or unreachable services."""
    if app.config["SECRET_KEY"] == config.DEVELOPMENT_SECRET_KEY:
        raise config.StartupError(
            "SECRET_KEY is not set: production refuses the development key "
            "(set SECRET_KEY to a long random value)."
        )
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            # gunicorn --preload and Celery's prefork pool fork after this: no child may
            # inherit this process's open database connection.
            db.engine.dispose()
        except Exception as error:  # any driver error: we only report it and stop
            reason = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            raise config.StartupError(
                f"The database at {db.engine.url.render_as_string(hide_password=True)} "
                f"is unreachable: {reason}"
            ) from error
    redis_url = app.config["REDIS_URL"]
    if redis_url and app.config["STARTUP_REQUIRES_REDIS"]:
        import redis

        try:
            redis.Redis.from_url(redis_url, socket_connect_timeout=3, socket_timeout=3).ping()
        except redis.RedisError as error:
            shown = logs.redact(redis_url)
            raise config.StartupError(f"Redis at {shown} is unreachable: {error}") from error
    if not app.config["BASE_URL_SET"] or not app.config["BASE_URL"].startswith("https://"):
        raise config.StartupError(
            f"BASE_URL is {app.config['BASE_URL'] if app.config['BASE_URL_SET'] else 'not set'}: "
            "production needs the public https address, e.g. BASE_URL=https://plenary.example.org "
            "(it is in every personal link)."
        )
    logging.getLogger("plenary").setLevel(logging.INFO)
