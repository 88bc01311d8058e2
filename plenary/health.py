"""Is this process up, and can it serve? /healthz, /readyz and `flask check`.

Both pages are cheap and unauthenticated, for load balancers and orchestrators: /healthz
answers as long as the process does; /readyz checks the database, Redis, the SMTP relay
(when one is configured) and that the schema is at the migrations' head. They say which
check fails but not why (the why names internal hosts): the log and `flask check` do.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import click
from flask import Blueprint, Flask, current_app, jsonify
from flask.cli import with_appcontext
from sqlalchemy import text

from .auth import public
from .extensions import db, limiter

bp = Blueprint("health", __name__)

TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means "not ready"; the detail says which
        return Check("database", False, _first_line(error))
    return Check("database", True, db.engine.url.render_as_string(hide_password=True))


def check_migrations() -> Check:
    heads = _migration_heads(current_app.extensions["migrate"].directory)
    try:
        with db.engine.connect() as connection:
            current = set(
                connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
            )
    except Exception as error:  # no alembic_version table: never migrated
        return Check("migrations", False, f"not migrated ({_first_line(error)})")
    if current != heads:
        return Check(
            "migrations",
            False,
            f"at {', '.join(sorted(current)) or 'nothing'}, head is {', '.join(sorted(heads))}: "
            "run flask db upgrade",
        )
    return Check("migrations", True, ", ".join(sorted(heads)))


def check_redis() -> Check | None:
    url = current_app.config["REDIS_URL"]
    if not url:
        return None
    import redis

    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
        )
        client.ping()
        client.close()
    except redis.RedisError as error:
        return Check("redis", False, _first_line(error))
    return Check("redis", True, _without_password(url))


def check_smtp() -> Check | None:
    server, port = current_app.config["MAIL_SERVER"], current_app.config["MAIL_PORT"]
    if not server:
        return None
    # A TCP connection only: a full SMTP conversation per probe would load the relay.
    try:
        with socket.create_connection((server, port), timeout=TIMEOUT_SECONDS):
            pass
    except OSError as error:
        return Check("smtp", False, f"{server}:{port}: {error}")
    return Check("smtp", True, f"{server}:{port}")


def run_checks() -> list[Check]:
    checks = [check_database(), check_migrations(), check_redis(), check_smtp()]
    return [check for check in checks if check is not None]


@cache
def _migration_heads(directory: str) -> frozenset[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(directory)))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def _first_line(error: BaseException) -> str:
    message = str(error).strip()
    return message.splitlines()[0] if message else type(error).__name__


def _without_password(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


@bp.get("/healthz")
@public
@limiter.exempt
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
@public
@limiter.exempt
def readyz():
    checks = run_checks()
    failing = [check for check in checks if not check.ok]
    for check in failing:
        current_app.logger.warning("not ready: %s: %s", check.name, check.detail)
    body = {
        "status": "not ready" if failing else "ready",
        "checks": {check.name: "ok" if check.ok else "failing" for check in checks},
    }
    return jsonify(body), 503 if failing else 200


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Check the database, migrations, Redis and SMTP relay, as /readyz does, with details."""
    checks = run_checks()
    for check in checks:
        click.echo(f"{'ok  ' if check.ok else 'FAIL'}  {check.name:<11} {check.detail}")
    if any(not check.ok for check in checks):
        raise SystemExit(1)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(check_command)
