"""Benchmark: the instructions one request of the focal point's flow costs, counted by callgrind.

This machine's speed moves by a third from one run to the next (a shared virtual machine), and
so do the CPU times and latencies of bench/registration_rush.py. An instruction count does not:
the same code, data and Python count the same to 0.1 %, whatever else the machine is doing.
So two versions of the code compare here, run after run, and the rush says what they are worth
in milliseconds on the day.

A throw-away PostgreSQL cluster and Redis serve; this process seeds the States, then runs itself
under valgrind's callgrind: 2 States go through the flow to warm the process up (templates,
catalogs, SQL compiled and prepared), then 4 more, counted: callgrind collects only inside
`sys.call_tracing`, which runs them (a C function nothing else calls; `functools.reduce`,
say, SQLAlchemy calls while loading rows). In-process (the Flask test client, no gunicorn), so the
count is the app's own work: Flask, SQLAlchemy, psycopg, Jinja and Plenary's code.

    .venv/bin/python -m bench.flow_instructions

Needs valgrind (Debian's package valgrind) and a CPython whose libpython keeps its symbols
(pyenv's and python.org's builds do), in which callgrind finds `sys_call_tracing`. Takes
about 3 minutes: the counted part runs some 50 times slower under valgrind.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WARM, COUNTED = 2, 4


def prepare(work: Path, postgres, redis, states: int = WARM + COUNTED) -> dict:
    """A migrated database with the States to register, and what the child needs to run."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from bench.registration_rush import seed
    from plenary import create_app
    from plenary.extensions import db
    from tests.conftest import base_settings

    url = postgres.create_database()
    app = create_app(base_settings(work, DATABASE_URL=url))
    with app.app_context():
        upgrade()
        links = seed(states)
        day = db.session.execute(text("SELECT starts_on FROM event")).scalar()
        db.session.remove()
        db.engine.dispose()
    return {"database": url, "redis": redis.url, "links": links, "day": str(day)[:10]}


def one_state(app, link: str, day: str, tag: str) -> int:
    """The flow of one State in-process, as bench/registration_rush.py runs it over HTTP (each
    post, then the page it leads to); the number of requests."""
    from bench.registration_rush import BROWSER, CSRF, flow

    requests = 0
    client = app.test_client()
    token = ""
    for _name, path, form in flow(link, day, tag):
        if form:
            response = client.post(path, data={"csrf_token": token, **form}, headers=BROWSER)
        else:
            response = client.get(path, headers=BROWSER)
        requests += 1
        if response.status_code in (302, 303):
            response = client.get(response.location, headers=BROWSER)
            requests += 1
        if response.status_code >= 400:
            raise SystemExit(f"{path}: {response.status_code}")
        if match := CSRF.search(response.get_data(as_text=True)):
            token = match.group(1)
    return requests


def warm_app(setup_file: Path):
    """The app as gunicorn's master builds it before the fork (not frozen), and the setup."""
    from plenary import create_app
    from plenary.warmup import warm
    from tests.conftest import base_settings

    setup = json.loads(setup_file.read_text())
    settings = base_settings(setup_file.parent, DATABASE_URL=setup["database"],
                             REDIS_URL=setup["redis"])  # fmt: skip
    app = create_app(settings)
    warm(app)
    return app, setup


def child(setup_file: Path) -> None:
    """Under callgrind: warm up, then run the counted flows inside sys.call_tracing.

    The heap is frozen as gunicorn's master freezes it (plenary/wsgi.py): otherwise whether a
    full collection of the warm-up's 230,000 objects falls inside the counted requests moves
    the count by a few hundred thousand instructions a request, whatever the code does.
    """
    from plenary.warmup import freeze

    app, setup = warm_app(setup_file)
    freeze()

    def counted_states() -> int:
        return sum(one_state(app, link, setup["day"], f"state{n}") for n, link in numbered[WARM:])

    numbered = list(enumerate(setup["links"]))
    for number, link in numbered[:WARM]:
        one_state(app, link, setup["day"], f"state{number}")
    print(f"requests counted: {sys.call_tracing(counted_states, ())}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    from tests import servers

    work = Path(tempfile.mkdtemp(prefix="plenary-instructions-"))
    postgres = servers.start_postgres()
    redis = servers.start_redis(work)
    try:
        setup_file = work / "setup.json"
        setup_file.write_text(json.dumps(prepare(work, postgres, redis)))
        command = [
            "valgrind", "--tool=callgrind", "--collect-atstart=no",
            "--toggle-collect=sys_call_tracing", f"--callgrind-out-file={work / 'callgrind.out'}",
            sys.executable, "-m", "bench.flow_instructions", "--child", str(setup_file),
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, cwd=Path.cwd())
    finally:
        redis.stop()
        postgres.stop()
    collected = re.search(r"Collected : (\d+)", done.stderr)
    requests = re.search(r"requests counted: (\d+)", done.stdout)
    if done.returncode != 0 or not collected or not requests:
        sys.exit(f"the counted run failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    if int(collected.group(1)) == 0:
        sys.exit("callgrind counted nothing: this Python's libpython lacks sys_call_tracing")
    per_request = int(collected.group(1)) / int(requests.group(1))
    print(f"{COUNTED} States' flows in-process, after {WARM} to warm up: {requests.group(1)} "
          f"requests, {per_request / 1e6:.2f} million instructions a request")  # fmt: skip
    print(f"callgrind's profile (callgrind_annotate reads it): {work / 'callgrind.out'}")


if __name__ == "__main__":
    main()
