"""Settings read from the environment, with embedded defaults that work on one machine."""

from __future__ import annotations

import os
from pathlib import Path

# Templates, static files, migrations and translations: inside the installed package (the
# wheel's build step puts them there), else the checkout's top-level folders.
_PACKAGE = Path(__file__).resolve().parent
RESOURCES = _PACKAGE if (_PACKAGE / "templates").is_dir() else _PACKAGE.parent

# Used only when SECRET_KEY is unset outside production; production refuses it.
DEVELOPMENT_SECRET_KEY = "plenary-development-key-not-for-production"

ENVIRONMENTS = ("development", "production", "testing")


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(value: str | None, default: int) -> int:
    return int(value) if value not in (None, "") else default


def _database_uri(url: str | None, instance_path: str) -> str:
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "plenary.db")
    # Heroku-style URLs name the old driver; psycopg 3 is the one we ship.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load(environ: dict[str, str] | os._Environ, instance_path: str) -> dict:
    """Return the Flask settings for this process, from environment variables."""
    environment = environ.get("PLENARY_ENV", "production")
    if environment not in ENVIRONMENTS:
        raise ValueError(f"PLENARY_ENV must be one of {', '.join(ENVIRONMENTS)}")
    # On the embedded default the links point at the port this process serves on.
    base_url = (
        environ.get("BASE_URL") or f"http://127.0.0.1:{_int(environ.get('PORT'), 5000)}"
    ).rstrip("/")
    redis_url = environ.get("REDIS_URL") or None
    mail_server = environ.get("MAIL_SERVER") or None
    secure = base_url.startswith("https://")
    return {
        "PLENARY_ENV": environment,
        "TESTING": environment == "testing",
        "SECRET_KEY": environ.get("SECRET_KEY") or DEVELOPMENT_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": _database_uri(environ.get("DATABASE_URL"), instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "BASE_URL": base_url,
        "BASE_URL_SET": bool(environ.get("BASE_URL")),
        "PREFERRED_URL_SCHEME": "https" if secure else "http",
        "SESSION_COOKIE_SECURE": secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "MAX_CONTENT_LENGTH": _int(environ.get("MAX_UPLOAD_BYTES"), 10 * 1024 * 1024),
        # Files kept in the database between two requests (import previews), each at most this.
        "TEMPORARY_FILE_MAX_BYTES": _int(environ.get("TEMPORARY_FILE_MAX_BYTES"), 10 * 1024 * 1024),
        # "json" for log collectors; "text" by default.
        "LOG_FORMAT": (environ.get("LOG_FORMAT") or "text").lower(),
        # /metrics answers only with this bearer token; unset, it does not exist.
        "METRICS_TOKEN": environ.get("METRICS_TOKEN") or None,
        "TEMPORARY_FILE_PURGE_MINUTES": _int(environ.get("TEMPORARY_FILE_PURGE_MINUTES"), 15),
        "MAIL_SERVER": mail_server,
        "MAIL_PORT": _int(environ.get("MAIL_PORT"), 25),
        "MAIL_USE_TLS": _flag(environ.get("MAIL_USE_TLS")),
        "MAIL_USE_SSL": _flag(environ.get("MAIL_USE_SSL")),
        "MAIL_USERNAME": environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": environ.get("MAIL_DEFAULT_SENDER", "Plenary <plenary@localhost>"),
        # With no MAIL_SERVER, messages are written as .eml files here.
        "MAIL_FILE_DIRECTORY": str(Path(instance_path) / "mail"),
        "OUTBOX_MAX_ATTEMPTS": _int(environ.get("OUTBOX_MAX_ATTEMPTS"), 6),
        # A claim's lease: a row claimed for longer than this was interrupted. The send task's
        # time limit and the SMTP timeout are derived from it and shorter (see outbox.limits).
        "OUTBOX_STALE_CLAIM_SECONDS": _int(environ.get("OUTBOX_STALE_CLAIM_SECONDS"), 900),
        "OUTBOX_SWEEP_SECONDS": _int(environ.get("OUTBOX_SWEEP_SECONDS"), 60),
        # A pending row younger than this is left to its own task before the sweep queues it.
        "OUTBOX_SWEEP_GRACE_SECONDS": _int(environ.get("OUTBOX_SWEEP_GRACE_SECONDS"), 30),
        # Seconds an SMTP command may take (capped below the lease).
        "MAIL_TIMEOUT": _int(environ.get("MAIL_TIMEOUT"), 60),
        # Bulk sending pauses itself after this many SMTP failures in a row.
        "OUTBOX_BREAKER_FAILURES": _int(environ.get("OUTBOX_BREAKER_FAILURES"), 10),
        # Workers and beat wait for Redis; only the web process refuses to start without it.
        "STARTUP_REQUIRES_REDIS": True,
        # A reminder by hand skips invitations reminded less than this long ago.
        "REMINDER_MIN_INTERVAL_HOURS": _int(environ.get("REMINDER_MIN_INTERVAL_HOURS"), 24),
        # Bulk mail (circulars, reminders) goes at this many emails per second at most, all
        # dispatches and workers together.
        "INVITATIONS_SEND_RATE": float(environ.get("INVITATIONS_SEND_RATE") or 10),
        # Beat starts again, this often, a dispatch left in the sending state.
        "DISPATCH_RESUME_SECONDS": _int(environ.get("DISPATCH_RESUME_SECONDS"), 60),
        "REMINDER_DAYS_BEFORE_DEADLINE": _int(environ.get("REMINDER_DAYS_BEFORE_DEADLINE"), 7),
        # An incomplete delegation's focal point is reminded at most once in this many days.
        "REGISTRATION_REMINDER_INTERVAL_DAYS": _int(
            environ.get("REGISTRATION_REMINDER_INTERVAL_DAYS"), 7
        ),
        "PERSONAL_LINK_MAX_AGE_DAYS": _int(environ.get("PERSONAL_LINK_MAX_AGE_DAYS"), 180),
        # `flask seed demo` sends the demo event's circular (its PDFs take a while to render).
        "SEED_DEMO_INVITATIONS": _flag(environ.get("SEED_DEMO_INVITATIONS"), default=True),
        # The demo (`make run`): admins read personal links on the Sent mail page, to try
        # the focal point's journey. Never in production: links are for their recipients.
        "SENT_MAIL_SHOWS_LINKS": environment == "development",
        "ACCOUNT_LINK_MAX_AGE_HOURS": _int(environ.get("ACCOUNT_LINK_MAX_AGE_HOURS"), 72),
        # How many proxies (load balancer, nginx) stand before the app and append to
        # X-Forwarded-For; 0 trusts the header not at all.
        "TRUSTED_PROXIES": _int(environ.get("TRUSTED_PROXIES"), 0),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_ENABLED": _flag(environ.get("RATELIMIT_ENABLED"), default=True),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis down: count in each process's memory rather than refuse every limited page.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "WTF_CSRF_TIME_LIMIT": None,
        # Inquiries: the IMAP mailbox read by `flask inquiries poll` and the beat job. With no
        # IMAP_HOST, .eml files dropped into INQUIRY_MAILDROP are read instead.
        "IMAP_HOST": environ.get("IMAP_HOST") or None,
        "IMAP_PORT": _int(
            environ.get("IMAP_PORT"), 993 if _flag(environ.get("IMAP_SSL"), True) else 143
        ),
        "IMAP_SSL": _flag(environ.get("IMAP_SSL"), default=True),
        "IMAP_STARTTLS": _flag(environ.get("IMAP_STARTTLS")),
        "IMAP_USER": environ.get("IMAP_USER") or None,
        "IMAP_PASSWORD": environ.get("IMAP_PASSWORD") or None,
        "IMAP_FOLDER": environ.get("IMAP_FOLDER") or "INBOX",
        # A CA bundle to trust for the IMAP server's certificate, besides the system's.
        "IMAP_CA_FILE": environ.get("IMAP_CA_FILE") or None,
        "IMAP_TIMEOUT": _int(environ.get("IMAP_TIMEOUT"), 30),
        "INQUIRY_MAILDROP": environ.get("INQUIRY_MAILDROP")
        or str(Path(instance_path) / "inquiries" / "inbox"),
        "INQUIRY_POLL_SECONDS": _int(environ.get("INQUIRY_POLL_SECONDS"), 60),
        "INQUIRY_MAX_MESSAGE_BYTES": _int(
            environ.get("INQUIRY_MAX_MESSAGE_BYTES"), 15 * 1024 * 1024
        ),
        "INQUIRY_MAX_ATTACHMENT_BYTES": _int(
            environ.get("INQUIRY_MAX_ATTACHMENT_BYTES"), 5 * 1024 * 1024
        ),
        "INQUIRY_MAX_ATTACHMENTS": _int(environ.get("INQUIRY_MAX_ATTACHMENTS"), 10),
        "INQUIRY_MAX_TEXT_CHARS": _int(environ.get("INQUIRY_MAX_TEXT_CHARS"), 100_000),
        "INQUIRY_RATE_LIMIT_ADDRESS": environ.get("INQUIRY_RATE_LIMIT_ADDRESS")
        or "5 per minute; 30 per hour",
        "INQUIRY_RATE_LIMIT_SENDER": environ.get("INQUIRY_RATE_LIMIT_SENDER") or "5 per hour",
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "BABEL_TRANSLATION_DIRECTORIES": str(RESOURCES / "translations"),
    }


class StartupError(RuntimeError):
    """The application cannot start as configured; the message says why in one line."""
