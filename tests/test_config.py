import subprocess
import sys

import pytest

from plenary import create_app
from plenary.config import DEVELOPMENT_SECRET_KEY, StartupError, load
from plenary.extensions import db
from tests.servers import ROOT, free_port


def test_embedded_default_needs_no_services(tmp_path):
    config = load({}, str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/plenary.db"
    assert config["REDIS_URL"] is None
    assert config["MAIL_SERVER"] is None
    assert config["MAIL_FILE_DIRECTORY"] == f"{tmp_path}/mail"
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_embedded_default_runs_tasks_in_process(tmp_path):
    app = create_app({"PLENARY_ENV": "development", "INSTANCE_PATH": str(tmp_path)})
    assert app.extensions["celery"].conf.task_always_eager is True


def test_settings_come_from_the_environment(tmp_path):
    config = load(
        {
            "DATABASE_URL": "postgres://plenary:secret@db.internal/plenary",
            "REDIS_URL": "redis://cache:6379/1",
            "MAIL_SERVER": "smtp.internal",
            "MAIL_PORT": "587",
            "MAIL_USE_TLS": "true",
            "MAIL_DEFAULT_SENDER": "AI Dialogue <ai.dialogue@itu.int>",
            "BASE_URL": "https://plenary.itu.int/",
            "SECRET_KEY": "x" * 40,
        },
        str(tmp_path),
    )
    assert config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://plenary:secret@db.internal/plenary"
    )
    assert config["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/1"
    assert (config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_USE_TLS"]) == (
        "smtp.internal",
        587,
        True,
    )
    assert config["BASE_URL"] == "https://plenary.itu.int"
    assert config["SESSION_COOKIE_SECURE"] is True


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ValueError, match="PLENARY_ENV"):
        load({"PLENARY_ENV": "staging"}, str(tmp_path))


def test_production_refuses_the_development_secret_key(tmp_path):
    for secret in (None, DEVELOPMENT_SECRET_KEY):
        environ = {"PLENARY_ENV": "production", "INSTANCE_PATH": str(tmp_path)}
        if secret:
            environ["SECRET_KEY"] = secret
        with pytest.raises(StartupError, match="SECRET_KEY"):
            create_app(environ)


def test_production_starts_with_a_secret_key_and_a_reachable_database(tmp_path, postgres_url):
    app = create_app(
        {
            "PLENARY_ENV": "production",
            "SECRET_KEY": "k" * 40,
            "INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": postgres_url,
            "BASE_URL": "https://plenary.example.org",
        }
    )
    assert app.config["PLENARY_ENV"] == "production"
    with app.app_context():
        # Checked, then closed: processes forked from this one start with no connection.
        assert db.engine.pool.checkedin() == 0
        db.engine.dispose()


def _start_wsgi(**environ: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "PLENARY_ENV": "production", **environ}
    return subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_unreachable_database_gives_one_clear_line(tmp_path):
    port = free_port()
    result = _start_wsgi(
        SECRET_KEY="k" * 40,
        INSTANCE_PATH=str(tmp_path),
        DATABASE_URL=f"postgresql://plenary@127.0.0.1:{port}/plenary",
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        f"plenary: The database at postgresql+psycopg://plenary@127.0.0.1:{port}"
    )
    assert "unreachable" in lines[0]


def test_unreachable_redis_gives_one_clear_line(tmp_path):
    port = free_port()
    result = _start_wsgi(
        SECRET_KEY="k" * 40, INSTANCE_PATH=str(tmp_path), REDIS_URL=f"redis://127.0.0.1:{port}/0"
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"plenary: Redis at redis://127.0.0.1:{port}/0 is unreachable: "
        f"Error 111 connecting to 127.0.0.1:{port}. Connection refused."
    ]


def test_production_without_secret_key_exits_with_one_line(tmp_path):
    result = _start_wsgi(INSTANCE_PATH=str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("plenary: SECRET_KEY is not set")
