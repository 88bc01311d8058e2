"""Fixtures: a fresh app per test on SQLite, and the real servers, started once per session."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from plenary import create_app
from plenary.extensions import db
from tests import servers


def base_settings(directory: Path, **extra: str) -> dict[str, str]:
    """Settings for a test app: its own instance folder and SQLite file, nothing else."""
    return {
        "PLENARY_ENV": "testing",
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": str(directory / "instance"),
        "DATABASE_URL": f"sqlite:///{directory / 'plenary.db'}",
        "BASE_URL": "http://plenary.test",
        "RATELIMIT_ENABLED": "false",
        # Seeding the demo sends no circular (6 PDFs): tests/test_registration_demo.py does.
        "SEED_DEMO_INVITATIONS": "false",
        **extra,
    }


@pytest.fixture
def settings(tmp_path: Path) -> dict[str, str]:
    return base_settings(tmp_path)


class RequestClient(FlaskClient):
    """A test client whose every request has its own app context, `g` and session.

    The fixtures keep an app context open for the test's own queries; without this, the
    requests would share its `g` (the signed-in user, the CSRF token) and its session.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # the test's session then sees what the request committed
        return response


@pytest.fixture
def app(settings: dict[str, str]) -> Iterator[Flask]:
    app = create_app(settings)
    app.test_client_class = RequestClient
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                        r'name="csrf_token" value="([^"]+)"')  # fmt: skip


def csrf_token(client: FlaskClient, page: str) -> str:
    """The CSRF token of the form on a page, as a browser would submit it."""
    response = client.get(page)
    match = CSRF_INPUT.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {page} ({response.status_code})"
    return match.group(1) or match.group(2)


def submit(client: FlaskClient, page: str, action: str | None = None, **data: str):
    """Open a page and post its form with the given fields, CSRF token included."""
    token = csrf_token(client, page)
    return client.post(action or page, data={"csrf_token": token, **data})


# --- the real servers ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[servers.RedisServer]:
    server = servers.start_redis(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[servers.PostgresServer]:
    server = servers.start_postgres()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[servers.SMTPServer]:
    server = servers.start_smtp()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server: servers.SMTPServer) -> servers.SMTPServer:
    smtp_server.clear()
    return smtp_server


@pytest.fixture
def postgres_url(postgres_server: servers.PostgresServer) -> Iterator[str]:
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture
def redis_url(redis_server: servers.RedisServer) -> str:
    import redis

    redis.Redis.from_url(redis_server.url).flushdb()
    return redis_server.url


# --- the whole production way -------------------------------------------------------------


@dataclass
class Stack:
    app: Flask
    worker: servers.Worker
    smtp: servers.SMTPServer
    environ: dict[str, str]


@pytest.fixture
def production_stack(tmp_path, postgres_url, redis_url, smtp) -> Iterator[Stack]:
    """The app the production way, with a Celery worker started from the Procfile."""
    environ = base_settings(
        tmp_path,
        DATABASE_URL=postgres_url,
        REDIS_URL=redis_url,
        MAIL_SERVER=smtp.host,
        MAIL_PORT=str(smtp.port),
        MAIL_DEFAULT_SENDER="AI Dialogue <ai.dialogue@example.org>",
    )
    app = create_app(environ)
    app.test_client_class = RequestClient
    with app.app_context():
        upgrade()
        worker = servers.start_worker(environ, tmp_path / "worker.log")
        try:
            yield Stack(app, worker, smtp, environ)
        finally:
            worker.stop()
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def imap_server() -> Iterator[servers.IMAPServer]:
    server = servers.start_dovecot()
    yield server
    server.stop()


@pytest.fixture
def imap(imap_server: servers.IMAPServer) -> servers.IMAPServer:
    """The Dovecot mailbox, emptied for this test."""
    imap_server.clear()
    return imap_server
