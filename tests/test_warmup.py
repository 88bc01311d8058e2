"""Warming the app in gunicorn's master: everything loaded once, no connection opened."""

from __future__ import annotations

import os
import subprocess
import sys

from flask_babel import force_locale, get_translations

from plenary import create_app
from plenary.extensions import db
from plenary.i18n import LANGUAGES, babel_locale
from plenary.warmup import BROKER_MODULES, warm
from tests.conftest import base_settings
from tests.servers import ROOT


def test_warming_loads_templates_and_catalogs_without_opening_a_connection(
    tmp_path, postgres_server, redis_server
):
    settings = base_settings(
        tmp_path, DATABASE_URL=postgres_server.create_database(), REDIS_URL=redis_server.url
    )
    app = create_app(settings)
    templates = app.jinja_env.list_templates(extensions=("html", "txt"))
    assert len(templates) > 50
    with app.app_context():  # Flask-Babel finds its domain through the current app
        domain = app.extensions["babel"].instance.domain_instance
    domain.cache.clear()  # process-wide: other tests' apps may have filled it

    warm(app)

    # Every template compiled: a worker forked now renders without parsing any.
    cached = {name for (_, name) in app.jinja_env.cache}
    assert cached >= set(templates)
    # The six catalogs are in Flask-Babel's process-wide cache.
    assert {locale for locale, _ in domain.cache} == {babel_locale(code) for code in LANGUAGES}
    with app.test_request_context(), force_locale("fr"):
        assert get_translations().gettext("Sign out") == "Se déconnecter"
    assert all(module in sys.modules for module in BROKER_MODULES)
    # Nothing a forked worker could share: no database connection was ever opened.
    with app.app_context():
        pool = db.engine.pool
        assert pool.checkedin() == 0 and pool.checkedout() == 0
        db.engine.dispose()


def test_the_wsgi_entry_point_freezes_what_the_master_loaded(tmp_path):
    """gunicorn's master imports plenary.wsgi (--preload) and forks: what it loaded is out of
    the workers' garbage collections, which would otherwise walk all of it each time."""
    script = "import gc, plenary.wsgi; print(gc.get_freeze_count(), len(gc.get_objects()))"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env={**os.environ, **base_settings(tmp_path)},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    frozen, collected = map(int, done.stdout.split()[-2:])
    assert frozen > 100_000
    assert collected < frozen / 10
