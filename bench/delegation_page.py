"""Benchmark: the CPU of one page of the focal point's flow, in the app and in PostgreSQL.

A throw-away PostgreSQL cluster, one State that answers and adds 5 delegates, then its
delegation page opened many times through the Flask test client (in process, no gunicorn).
Reports the CPU of the app and of PostgreSQL (its processes, read from /proc) per request,
and the statements psycopg keeps prepared on the connection, which PostgreSQL need not plan
again: a request that ended with ROLLBACK would have made psycopg forget them.

    .venv/bin/python -m bench.delegation_page --requests 300
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

from bench.registration_rush import BROWSER, CSRF, cpu_seconds, flow, postgres_pid, seed
from plenary import create_app
from plenary.extensions import db
from tests import servers
from tests.conftest import base_settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="plenary-page-"))
    postgres = servers.start_postgres()
    try:
        app = create_app(base_settings(work, DATABASE_URL=postgres.create_database()))
        with app.app_context():
            upgrade()
            [link] = seed(1)
            day = db.session.execute(text("SELECT starts_on FROM event")).scalar()
            db.session.remove()
            db.engine.dispose()  # from here on, one connection: the requests'
        client = app.test_client()
        token = ""
        for _name, path, form in flow(link, str(day)[:10], "page"):
            data = {"csrf_token": token, **form}
            response = client.post(path, data=data) if form else client.get(path, headers=BROWSER)
            if match := CSRF.search(response.get_data(as_text=True)):
                token = match.group(1)
        page = link + "/delegates"
        for _ in range(20):  # the statements get prepared on their sixth run
            client.get(page, headers=BROWSER)
        postmaster = postgres_pid(postgres)
        database_before, app_before = cpu_seconds(postmaster), time.process_time()
        for _ in range(options.requests):
            assert client.get(page, headers=BROWSER).status_code == 200
        app_cpu = (time.process_time() - app_before) / options.requests * 1000
        database_cpu = (cpu_seconds(postmaster) - database_before) / options.requests * 1000
        with app.app_context():
            prepared = db.session.execute(
                text("SELECT count(*) FROM pg_prepared_statements")
            ).scalar()
            db.session.remove()
            db.engine.dispose()
        print(f"the delegation page (5 delegates), {options.requests} requests in-process:")
        print(f"CPU per request: the app {app_cpu:.2f} ms, PostgreSQL {database_cpu:.2f} ms")
        print(f"statements prepared on the connection: {prepared}")
    finally:
        postgres.stop()


if __name__ == "__main__":
    main()
