"""What those who run Plenary rely on: health checks, request logs, metrics, temporary files,
links that follow the port, and start-up refusals in production."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from plenary import create_app, logs, temporary_files
from plenary.config import StartupError, load
from plenary.extensions import db
from plenary.models import OutboxMessage, OutboxState, TemporaryFile, utcnow
from tests import servers
from tests.conftest import RequestClient, base_settings

# --- links ------------------------------------------------------------------------------


def test_on_the_embedded_default_links_follow_the_port(tmp_path):
    assert load({"PORT": "5902"}, str(tmp_path))["BASE_URL"] == "http://127.0.0.1:5902"
    assert load({}, str(tmp_path))["BASE_URL"] == "http://127.0.0.1:5000"
    given = {"PORT": "5902", "BASE_URL": "https://plenary.example.org/"}
    assert load(given, str(tmp_path))["BASE_URL"] == "https://plenary.example.org"


@pytest.mark.parametrize(
    ("base_url", "named"),
    [(None, "BASE_URL is not set"), ("http://plenary.example.org", "BASE_URL is http://")],
)
def test_production_names_a_missing_or_plain_http_base_url(tmp_path, base_url, named):
    environ = {"PLENARY_ENV": "production", "SECRET_KEY": "k" * 40, "INSTANCE_PATH": str(tmp_path)}
    if base_url:
        environ["BASE_URL"] = base_url
    with pytest.raises(StartupError, match=named):
        create_app(environ)


def test_the_instance_folder_is_the_working_directory_s(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = create_app({"PLENARY_ENV": "testing"})
    assert app.instance_path == str(tmp_path / "instance")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/instance/plenary.db"


# --- health -----------------------------------------------------------------------------


@pytest.fixture
def migrated(tmp_path):
    """An app whose database is built by the migrations, as in production."""
    app = create_app(base_settings(tmp_path))
    app.test_client_class = RequestClient
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_healthz_answers_without_touching_anything(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_readyz_is_ready_when_the_schema_is_at_the_head(migrated):
    response = migrated.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "checks": {"database": "ok", "migrations": "ok"}}


def test_readyz_says_which_check_fails_but_not_why(app, caplog):
    # The `app` fixture builds tables without the migrations: not at the head.
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "ok", "migrations": "failing"}
    assert "not migrated" in caplog.text


def test_readyz_checks_redis_and_the_smtp_relay_when_configured(tmp_path, redis_url, smtp):
    settings = base_settings(
        tmp_path, REDIS_URL=redis_url, MAIL_SERVER=smtp.host, MAIL_PORT=str(smtp.port)
    )
    app = create_app(settings)
    with app.app_context():
        upgrade()
        assert app.test_client().get("/readyz").json["checks"] == {
            "database": "ok",
            "migrations": "ok",
            "redis": "ok",
            "smtp": "ok",
        }
        app.config["MAIL_PORT"] = servers.free_port()  # nothing listens there
        app.config["REDIS_URL"] = f"redis://127.0.0.1:{servers.free_port()}/0"
        response = app.test_client().get("/readyz")
        assert response.status_code == 503
        assert response.json["checks"]["smtp"] == "failing"
        assert response.json["checks"]["redis"] == "failing"
        db.engine.dispose()


def test_flask_check_prints_each_check(migrated):
    result = migrated.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^ok\s+database\s+sqlite:///", result.output, re.M)
    # The head of the checkout's migrations, whichever it is: the schema is at it.
    config = Config()
    config.set_main_option("script_location", str(servers.ROOT / "migrations"))
    (head,) = ScriptDirectory.from_config(config).get_heads()
    assert re.search(rf"^ok\s+migrations\s+{head}\b", result.output, re.M), result.output


def test_flask_check_fails_when_one_check_fails(tmp_path):
    never_migrated = create_app(base_settings(tmp_path))
    result = never_migrated.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1, result.output
    assert re.search(r"^FAIL\s+migrations\s+not migrated", result.output, re.M)


# --- logs -------------------------------------------------------------------------------


def test_one_line_per_request_with_its_id_and_no_token(client, caplog):
    caplog.set_level(logging.INFO, logger="plenary.request")
    response = client.get(
        "/account/password/secret-token-value?token=another-secret",
        headers={"X-Request-ID": "lb-1234abcd"},
    )
    assert response.headers["X-Request-ID"] == "lb-1234abcd"
    [line] = [record for record in caplog.records if record.name == "plenary.request"]
    assert line.request_id == "lb-1234abcd"
    assert line.getMessage().startswith("GET /account/password/<")
    assert "secret" not in line.getMessage()

    caplog.clear()
    response = client.get("/", headers={"X-Request-ID": "bad id with spaces"})
    [line] = [record for record in caplog.records if record.name == "plenary.request"]
    assert re.fullmatch(r"[0-9a-f]{32}", line.request_id)
    assert line.request_id == response.headers["X-Request-ID"]


def test_json_lines_carry_the_request_fields_and_hide_passwords():
    record = logging.LogRecord(
        "plenary.request", logging.INFO, __file__, 1, "GET %s 200", ("/",), None
    )
    record.request_id, record.status, record.endpoint = "abc12345", 200, "site.home"
    entry = json.loads(logs.JSONFormatter().format(record))
    assert entry["request_id"] == "abc12345" and entry["status"] == 200
    assert entry["endpoint"] == "site.home" and entry["message"] == "GET / 200"
    assert logs.redact("redis://user:hunter2@redis:6379/0 token=abc") == (
        "redis://user:***@redis:6379/0 token=***"
    )


def test_a_worker_log_has_no_weasyprint_or_fonttools_info_lines(tmp_path):
    script = (
        "import logging, sys\n"
        "from plenary import logs\n"
        "logs.configure('text', force=True)\n"
        "logging.getLogger('fontTools.subset').info('subsetting glyphs')\n"
        "logging.getLogger('weasyprint').info('Step 5 - Creating layout - Page 1')\n"
        "logging.getLogger('plenary.outbox').info('sent message 7')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=servers.ROOT, capture_output=True, text=True
    )
    assert "sent message 7" in result.stderr
    assert "subsetting" not in result.stderr and "Page 1" not in result.stderr


# --- metrics ----------------------------------------------------------------------------


def test_metrics_need_the_token_and_report_the_outbox(tmp_path):
    app = create_app(base_settings(tmp_path, METRICS_TOKEN="scrape-me"))
    with app.app_context():
        db.create_all()
        client = app.test_client()
        assert client.get("/metrics").status_code == 403
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
        old = utcnow() - timedelta(minutes=10)
        for state, attempts in [("pending", 0), ("pending", 1), ("sent", 2), ("failed", 6)]:
            db.session.add(_message(OutboxState(state), attempts, old))
        db.session.commit()
        client.get("/")
        response = client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'plenary_outbox_messages{state="pending"} 2.0' in text
    assert 'plenary_outbox_messages{state="sending"} 0.0' in text
    assert "plenary_outbox_sent_total 1.0" in text
    assert "plenary_outbox_failed_total 1.0" in text
    assert "plenary_outbox_attempts_total 9.0" in text
    age = float(re.search(r"^plenary_outbox_oldest_pending_age_seconds (\S+)", text, re.M).group(1))
    assert 590 < age < 700
    assert re.search(
        r"plenary_request_duration_seconds_count"
        r'\{endpoint="registration.event_home",method="GET"\} 1.0',
        text,
    )


def test_without_a_metrics_token_there_are_no_metrics(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_give_the_celery_queue_length(tmp_path, redis_url):
    import redis

    app = create_app(base_settings(tmp_path, METRICS_TOKEN="t" * 20, REDIS_URL=redis_url))
    redis.Redis.from_url(redis_url).rpush("celery", "a", "b", "c")
    with app.app_context():
        db.create_all()
        response = app.test_client().get(
            "/metrics", headers={"Authorization": "Bearer " + "t" * 20}
        )
        db.engine.dispose()
    assert 'plenary_celery_queue_length{queue="celery"} 3.0' in response.get_data(as_text=True)


def _message(state: OutboxState, attempts: int, created_at) -> OutboxMessage:
    return OutboxMessage(
        message_id=f"<{state}-{attempts}@plenary.test>",
        kind="test",
        sender="Plenary <plenary@example.org>",
        recipients=["someone@example.org"],
        subject="Subject",
        text_body="Body",
        state=state,
        attempts=attempts,
        created_at=created_at,
        next_attempt_at=created_at,
    )


# --- temporary files --------------------------------------------------------------------


def test_temporary_files_have_an_owner_a_size_limit_and_an_expiry(app):
    from tests.factories import make_user

    owner = make_user("owner@example.org")
    stored = temporary_files.store(
        b"a,b\n", purpose="test", owner_id=owner.id, max_age=timedelta(minutes=5)
    )
    db.session.commit()
    assert temporary_files.fetch(stored.key, purpose="test", owner_id=owner.id).data == b"a,b\n"
    with pytest.raises(temporary_files.TemporaryFileGone):
        temporary_files.fetch(stored.key, purpose="test", owner_id=None)
    with pytest.raises(temporary_files.TemporaryFileGone):
        temporary_files.fetch(stored.key, purpose="other", owner_id=owner.id)

    app.config["TEMPORARY_FILE_MAX_BYTES"] = 3
    with pytest.raises(temporary_files.TemporaryFileTooLarge):
        temporary_files.store(b"abcd", purpose="test", owner_id=None, max_age=timedelta(1))

    assert temporary_files.purge_expired(now=utcnow()) == 0
    assert temporary_files.purge_expired(now=utcnow() + timedelta(minutes=6)) == 1
    assert db.session.scalars(db.select(TemporaryFile)).all() == []


def test_the_purge_runs_from_beat_and_from_the_command_line(app):
    schedule = app.extensions["celery"].conf.beat_schedule
    assert schedule["temporary-files-purge"]["task"] == "plenary.temporary_files.purge"
    temporary_files.store(b"x", purpose="test", owner_id=None, max_age=timedelta(seconds=-1))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["temporary-files", "purge"])
    assert result.output == "1 expired temporary file(s) deleted\n"
    task = app.extensions["celery"].tasks["plenary.temporary_files.purge"]
    assert task.apply().get() == {"deleted": 0}
