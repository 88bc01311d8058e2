"""Tokens stay out of the logs; rate limits see real clients behind trusted proxies only."""

from __future__ import annotations

import logging
import os
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from plenary import create_app
from plenary.auth import personal_link
from plenary.extensions import db
from plenary.models import AuditEntry
from tests import servers
from tests.conftest import base_settings
from tests.factories import make_user

# Shaped like a signed personal link; nobody signed it, so the page answers 404.
TOKEN = "eyJpbnZpdGF0aW9uIjo0MiwiZXZlbnQiOjF9.aWk0Zw.Zm9yZ2VkLXNpZ25hdHVyZS1mb3ItbG9ncw"


def test_the_error_log_names_the_route_not_the_token(app, client, caplog):
    @app.get("/explode/<token>")
    @personal_link("test")
    def explode(token):
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        assert client.get(f"/explode/{TOKEN}").status_code == 500
    assert "unhandled error on GET /explode/<token>" in caplog.text
    assert TOKEN not in caplog.text


def _environ(tmp_path: Path, port: int) -> dict[str, str]:
    environ = {**os.environ, **base_settings(tmp_path), "PORT": str(port), "WEB_CONCURRENCY": "1"}
    environ["FLASK_APP"] = "wsgi"
    return environ


def _bin(name: str) -> str:
    import sys

    return str(Path(sys.executable).parent / name)


def _fetch(port: int, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _serve_and_read_log(command: list[str], environ: dict, port: int, log: Path) -> str:
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env=environ, cwd=servers.ROOT, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            servers.wait_until(lambda: servers._port_open(port), 60, f"{command[0]} on {port}")
            assert _fetch(port, f"/delegation/{TOKEN}") == 404
            servers.wait_until(lambda: "/delegation/" in log.read_text(), 20, "the access log")
        finally:
            process.terminate()
            process.wait(20)
    return log.read_text()


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    environ = _environ(tmp_path, 0)
    subprocess.run([_bin("flask"), "db", "upgrade"], env=environ, cwd=servers.ROOT, check=True,
                   capture_output=True)  # fmt: skip
    return tmp_path


def test_the_access_log_of_flask_serve_names_the_route_not_the_token(migrated: Path):
    port = servers.free_port()
    command = [_bin("flask"), "serve", "--port", str(port)]
    text = _serve_and_read_log(command, _environ(migrated, port), port, migrated / "serve.log")
    assert "GET /delegation/<token> HTTP/1.1" in text
    assert TOKEN not in text
    # One line per request: Flask's own handler does not repeat the root logger's.
    assert text.count("GET /delegation/<token> 404") == 1, text


def test_the_request_log_of_gunicorn_names_the_route_not_the_token(migrated: Path):
    port = servers.free_port()
    environ = _environ(migrated, port)
    environ["PATH"] = f"{Path(_bin('gunicorn')).parent}:{environ['PATH']}"
    command = servers.procfile_command("web", environ)  # as deployed
    text = _serve_and_read_log(command, environ, port, migrated / "gunicorn.log")
    # The app's own line per request (plenary.logs); gunicorn's access log is off.
    assert "GET /delegation/<token> 404" in text
    assert TOKEN not in text


# --- behind a proxy -----------------------------------------------------------------------

PROXY = "10.0.0.2"  # the load balancer, as the app sees it


def proxied_app(tmp_path: Path, hops: str):
    app = create_app(base_settings(tmp_path, RATELIMIT_ENABLED="true", TRUSTED_PROXIES=hops))
    from tests.conftest import RequestClient

    app.test_client_class = RequestClient
    return app


def via_proxy(client, client_address: str, forged: str | None = None) -> dict:
    """Headers as the load balancer sends them: it appends the address it saw."""
    chain = f"{forged}, {client_address}" if forged else client_address
    return {"environ_base": {"REMOTE_ADDR": PROXY}, "headers": {"X-Forwarded-For": chain}}


def sign_in_via(client, email: str, address: str, forged: str | None = None, password="wrong"):
    """Post the sign-in form through the proxy (the form's CSRF token is fetched once)."""
    from tests.conftest import CSRF_INPUT

    options = via_proxy(client, address, forged)
    if not hasattr(client, "csrf_token"):
        match = CSRF_INPUT.search(client.get("/login", **options).get_data(as_text=True))
        client.csrf_token = match.group(1) or match.group(2)
    data = {"csrf_token": client.csrf_token, "email": email, "password": password}
    return client.post("/login", data=data, **options).status_code


def test_behind_a_trusted_proxy_sign_in_is_limited_per_client_and_account(tmp_path):
    app = proxied_app(tmp_path, "1")
    with app.app_context():
        db.create_all()
        make_user("one@example.org")
        make_user("two@example.org")
        client = app.test_client()
        # Ten wrong passwords for one account from one person, each with a new forged header.
        codes = [
            sign_in_via(client, "one@example.org", "203.0.113.5", forged=f"198.51.100.{n}")
            for n in range(11)
        ]
        assert codes[:10] == [200] * 10 and codes[10] == 429
        # A colleague behind the same load balancer is not locked out, nor another account.
        assert sign_in_via(client, "one@example.org", "203.0.113.6") == 200
        assert sign_in_via(client, "two@example.org", "203.0.113.5") == 200
        db.session.remove()


def test_sign_in_records_the_clients_address_behind_a_trusted_proxy(tmp_path):
    from tests.factories import PASSWORD

    app = proxied_app(tmp_path, "1")
    with app.app_context():
        db.create_all()
        make_user("one@example.org")
        code = sign_in_via(app.test_client(), "one@example.org", "203.0.113.5",
                           forged="198.51.100.1", password=PASSWORD)  # fmt: skip
        assert code == 302
        entry = db.session.scalar(db.select(AuditEntry).filter_by(action="user.login"))
        assert entry.remote_addr == "203.0.113.5"
        db.session.remove()


def test_without_trusted_proxies_x_forwarded_for_is_ignored(tmp_path):
    from tests.factories import PASSWORD

    app = proxied_app(tmp_path, "0")
    with app.app_context():
        db.create_all()
        make_user("one@example.org")
        code = sign_in_via(app.test_client(), "one@example.org", "203.0.113.5", password=PASSWORD)
        assert code == 302
        entry = db.session.scalar(db.select(AuditEntry).filter_by(action="user.login"))
        assert entry.remote_addr == PROXY
        db.session.remove()


def test_one_client_cannot_try_every_account(tmp_path):
    app = proxied_app(tmp_path, "1")
    with app.app_context():
        db.create_all()
        client = app.test_client()
        codes = [sign_in_via(client, f"user{n}@example.org", "203.0.113.9") for n in range(31)]
        assert codes[:30] == [200] * 30 and codes[30] == 429
        db.session.remove()


def test_the_focal_points_page_is_limited_per_link_not_per_address(tmp_path):
    app = proxied_app(tmp_path, "1")
    with app.app_context():
        db.create_all()
        client = app.test_client()
        options = via_proxy(client, "203.0.113.5")
        codes = [client.get(f"/delegation/{TOKEN}", **options).status_code for _ in range(61)]
        assert codes[:60] == [404] * 60 and codes[60] == 429
        # Another State's link, through the same load balancer, still opens.
        assert client.get(f"/delegation/{TOKEN}x", **options).status_code == 404
        db.session.remove()


def test_sign_in_still_answers_and_is_limited_while_redis_is_down(tmp_path):
    # Its own Redis, so that stopping it disturbs no other test.
    redis = servers.start_redis(tmp_path)
    try:
        settings = base_settings(tmp_path, RATELIMIT_ENABLED="true", REDIS_URL=redis.url)
        app = create_app(settings)
        from tests.conftest import RequestClient

        app.test_client_class = RequestClient
        with app.app_context():
            db.create_all()
            make_user("one@example.org")
            client = app.test_client()
            assert sign_in_via(client, "one@example.org", "203.0.113.5") == 200
            redis.stop()
            # The limits are counted in memory meanwhile: still answered, still limited.
            codes = [sign_in_via(client, "one@example.org", "203.0.113.5") for _ in range(12)]
            assert 500 not in codes
            assert codes[0] == 200 and codes[-1] == 429
            db.session.remove()
    finally:
        redis.stop()
