"""Benchmark: focal points registering their delegations at once, the production way.

A throw-away PostgreSQL cluster and Redis, and the Procfile's gunicorn (its default 3 workers).
Each of N concurrent focal points opens their personal link, answers, adds 5 delegates and
submits. Reports registrations per second, the submit's p50/p95/p99, the SQL statements of
each page of the flow (counted once in-process on the same database) and gunicorn's memory.

    .venv/bin/python -m bench.registration_rush --clients 16
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event

from bench.circular_send import peak_memory_kib
from plenary import create_app
from plenary.countries import member_states
from plenary.extensions import db
from tests import servers
from tests.conftest import RequestClient, base_settings

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
BROWSER = {"Sec-Fetch-Mode": "navigate", "Accept-Language": "en", "Accept": "text/html"}


def seed(clients: int) -> list[str]:
    """An open event without a size limit problem, and one invited State per client."""
    from plenary.invitations.models import Invitation
    from plenary.registration.access import focal_token
    from tests.factories import make_addressee, make_circular, make_country
    from tests.registration_helpers import open_event

    event = open_event(max_delegation_size=6)
    circular = make_circular(event)
    links = []
    for state in member_states()[:clients]:
        country = make_country(state.code)
        addressee = make_addressee(country, email=f"focal.{state.code.lower()}@example.org")
        invitation = Invitation(circular=circular, addressee=addressee, language="en")
        db.session.add(invitation)
        db.session.flush()
        links.append(f"/delegation/{focal_token(invitation)}")
    db.session.commit()
    return links


def flow(link: str, day: str, tag: str) -> list[tuple[str, str, dict[str, str]]]:
    """The requests of one focal point's registration: (name, path, form or {} for a GET)."""
    steps = [
        ("open the page", link, {}),
        ("answer", link, {"participation": "yes", "head_level": "minister",
                          "focal_point_name": "Focal", "focal_point_email": f"f@{tag}.org"}),
    ]  # fmt: skip
    for number in range(5):
        steps.append(
            (
                "add a delegate",
                f"{link}/delegates/new",
                {"given_name": f"Given{number}", "family_name": "Family", "role":
                 "head" if number == 0 else "member", "email": f"p{number}@{tag}.org",
                 "days": day, "attendance": "in_person", "language": "en"},
            )
        )  # fmt: skip
    steps.append(("open the delegation", f"{link}/delegates", {}))
    steps.append(("submit", f"{link}/submit", {"csrf": "x"}))
    return steps


def run_client(base: str, link: str, day: str, tag: str, timings: dict, errors: list) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener.add_handler(NoRedirect())
    token = ""
    for name, path, form in flow(link, day, tag):
        data = None
        if form:
            data = urllib.parse.urlencode({"csrf_token": token, **form}, doseq=True).encode()
        request = urllib.request.Request(base + path, data=data, headers=BROWSER)
        started = time.perf_counter()
        try:
            with opener.open(request, timeout=60) as response:
                body = response.read().decode()
                status = response.status
        except urllib.error.HTTPError as error:
            body, status = error.read().decode(), error.code
        timings.setdefault(name, []).append(time.perf_counter() - started)
        if status >= 400:
            errors.append(f"{name}: {status}")
        if match := CSRF.search(body):
            token = match.group(1)


def count_statements(app, link: str, day: str) -> dict[str, int]:
    """The SQL statements of each request of the flow, in-process on the same database."""
    client = app.test_client()
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    counts = {}
    token = ""
    try:
        for name, path, form in flow(link, day, "count"):
            statements.clear()
            if form:
                response = client.post(path, data={"csrf_token": token, **form}, headers=BROWSER)
            else:
                response = client.get(path, headers=BROWSER)
            counts.setdefault(name, len(statements))
            if match := CSRF.search(response.get_data(as_text=True)):
                token = match.group(1)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return counts


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=16)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="plenary-rush-"))
    postgres = servers.start_postgres()
    redis = servers.start_redis(work)
    try:
        url = postgres.create_database()
        environ = base_settings(work, DATABASE_URL=url, REDIS_URL=redis.url)
        app = create_app(environ)
        app.test_client_class = RequestClient
        with app.app_context():
            upgrade()
            links = seed(options.clients + 1)
            from plenary.registration.models import Delegation  # noqa: F401  (the app is loaded)

            day = db.session.execute(db.text("SELECT starts_on FROM event")).scalar().isoformat()
            port = servers.free_port()
            env = {**os.environ, **environ, "PORT": str(port)}
            env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
            command = servers.procfile_command("web", env)
            log = (work / "web.log").open("wb")
            web = subprocess.Popen(command, cwd=servers.ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)  # fmt: skip
            try:
                servers.wait_until(lambda: servers._port_open(port), 60, "gunicorn")
                base = f"http://127.0.0.1:{port}"
                timings: dict[str, list[float]] = {}
                errors: list[str] = []
                threads = [
                    threading.Thread(target=run_client,
                                     args=(base, link, day, f"s{n}", timings, errors))
                    for n, link in enumerate(links[: options.clients])
                ]  # fmt: skip
                started = time.perf_counter()
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(300)
                elapsed = time.perf_counter() - started
                memory = peak_memory_kib(web.pid)
            finally:
                web.terminate()
                web.wait(20)
            submitted = db.session.execute(
                db.text("SELECT count(*) FROM delegation WHERE state = 'submitted'")
            ).scalar()
            counts = count_statements(app, links[-1], day)
            db.session.remove()
            db.engine.dispose()
        submits = timings.get("submit", [])
        print(f"{options.clients} concurrent focal points against gunicorn (Procfile, 3 workers)")
        rate = submitted / elapsed
        print(f"{submitted} delegations submitted in {elapsed:.1f} s: "
              f"{rate:.2f} registrations per second; errors: {errors or 'none'}")  # fmt: skip
        print(f"submit: p50 {percentile(submits, .5) * 1000:.0f} ms, "
              f"p95 {percentile(submits, .95) * 1000:.0f} ms, "
              f"p99 {percentile(submits, .99) * 1000:.0f} ms")  # fmt: skip
        print(f"gunicorn peak memory (master and workers): {memory / 1024:.0f} MiB\n")
        print("| request | SQL statements | median under load | p95 under load |")
        print("| --- | --- | --- | --- |")
        for name, values in timings.items():
            print(f"| {name} | {counts.get(name, '?')} | "
                  f"{statistics.median(values) * 1000:.0f} ms | "
                  f"{percentile(values, .95) * 1000:.0f} ms |")  # fmt: skip
    finally:
        redis.stop()
        postgres.stop()


if __name__ == "__main__":
    main()
