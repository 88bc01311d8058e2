"""Loading, before gunicorn forks its workers, what every worker would otherwise load again.

With `--preload` (the Procfile's `web` line) the master builds the app once and forks it.
Left cold, each worker compiles every template, reads the six catalogs and Babel's locale
data, builds its URL matcher and imports the broker's client on its own first requests:
about 400 ms on the first page a focal point opens, paid again in each worker and after
each restart. Loaded here once, the workers share it copy-on-write.

Nothing here opens a connection: the database pool and the broker stay empty until a
worker uses them, so that no two processes ever share a socket.
"""

from __future__ import annotations

import gc
import importlib

from babel import localedata
from flask import Flask, url_for
from flask_babel import force_locale, get_translations
from sqlalchemy.orm import configure_mappers

from .i18n import LANGUAGES, babel_locale

# Imported by the first task a request queues (kombu's Redis transport and Celery's
# message protocol); in the master they would otherwise wait for the first submission.
BROKER_MODULES = ("celery.app.amqp", "celery.events.dispatcher", "kombu.transport.redis")


def warm(app: Flask) -> None:
    """Compile the templates, load the catalogs and the mappers, import the broker client."""
    configure_mappers()
    for name in app.jinja_env.list_templates(extensions=("html", "txt")):
        app.jinja_env.get_template(name)
    with app.test_request_context():
        url_for("static", filename="favicon.svg")  # builds the URL map's matcher and builder
        for language in LANGUAGES:
            localedata.load(babel_locale(language))
            with force_locale(babel_locale(language)):
                get_translations()
    if app.config["REDIS_URL"]:
        for module in BROKER_MODULES:
            importlib.import_module(module)
        app.extensions["celery"].amqp  # noqa: B018  (its queues and router, no connection)


def freeze() -> None:
    """Keep what the master has loaded out of the workers' full garbage collections, for good.

    A warm worker tracks some 234,000 objects, nearly all of them the app, its templates,
    mappers and catalogs, loaded before the fork. A full collection walks them all: 130-200 ms
    during which the worker answers no one (`bench/gc_pause.py`). It runs rarely (none in
    1,024 requests of the focal point's flow), once enough objects have outlived the younger
    collections, and then on whichever request happens to allocate. Frozen here, before
    gunicorn forks, they are never walked again (a full collection then takes 2-6 ms), and no
    collection writes to the pages that hold them, which the workers share with the master.
    """
    gc.collect()  # what is garbage already is freed, not frozen
    gc.freeze()
