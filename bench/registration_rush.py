"""Benchmark: focal points registering their delegations at once, the production way.

A throw-away PostgreSQL cluster and Redis, and the Procfile's gunicorn (WEB_CONCURRENCY
workers, 3 unless set). Each of N concurrent focal points opens their personal link, answers,
adds 5 delegates and submits. Reports registrations per second, the submit's p50/p95/p99, the
SQL statements of each page of the flow (counted once in-process on the same database) and
gunicorn's memory.

    .venv/bin/python -m bench.registration_rush --clients 16 --warm-up 16 --rounds 4

With --rounds, N new focal points rush again, one round after the other, and the figures cover
all the rounds: a p95 over 16 submissions is their second slowest, and moves with it.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookies
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
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


def fetch(port: int, path: str, form: dict[str, str] | None, cookies: dict[str, str]):
    """One request, as a browser sends it, without following a redirect: its status, body
    and Location. http.client alone: urllib's openers and cookie jar cost the client threads,
    which share the two cores with the server, about twice the CPU."""
    headers = dict(BROWSER)
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    body = None
    if form:
        body = urllib.parse.urlencode(form, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST" if form else "GET", path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or ():
            jar = http.cookies.SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value and morsel["expires"] != "Thu, 01 Jan 1970 00:00:00 GMT":
                    cookies[name] = morsel.value
                else:
                    cookies.pop(name, None)
        return response.status, text, response.headers.get("Location", "")
    finally:
        connection.close()


def run_client(port: int, link: str, day: str, tag: str, timings: dict, errors: list) -> None:
    """One focal point's flow, as a browser goes through it: each form post, then its page."""
    cookies: dict[str, str] = {}
    token = ""
    for name, path, form in flow(link, day, tag):
        started = time.perf_counter()
        status, body, location = fetch(port, path, form and {"csrf_token": token, **form}, cookies)
        timings.setdefault(name, []).append(time.perf_counter() - started)
        if status in (302, 303) and location:
            target = urllib.parse.urlsplit(urllib.parse.urljoin(path, location))
            started = time.perf_counter()
            page = target.path + (f"?{target.query}" if target.query else "")
            status, body, _ = fetch(port, page, None, cookies)
            timings.setdefault(f"{name}: the page after it", []).append(
                time.perf_counter() - started
            )
        if status >= 400:
            errors.append(f"{name}: {status}")
        if match := CSRF.search(body):
            token = match.group(1)


def postgres_pid(postgres) -> int:
    """The postmaster of the throw-away cluster (its backends are its children)."""
    return int((postgres.data_directory / "postmaster.pid").read_text().split()[0])


def rush(port: int, links: list[str], day: str, tag: str, timings=None, errors=None) -> None:
    """Each link's focal point goes through the flow, all at once, one thread each."""
    timings = {} if timings is None else timings
    errors = [] if errors is None else errors
    threads = [
        threading.Thread(target=run_client, args=(port, link, day, f"{tag}{n}", timings, errors))
        for n, link in enumerate(links)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)


def count_statements(app, link: str, day: str) -> dict[str, int]:
    """The SQL statements of each request of the flow (the most of its repeats), in-process."""
    client = app.test_client()
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    counts: dict[str, int] = {}

    def count(name: str, path: str, form: dict[str, str] | None):
        statements.clear()
        if form:
            response = client.post(path, data=form, headers=BROWSER)
        else:
            response = client.get(path, headers=BROWSER)
        counts[name] = max(counts.get(name, 0), len(statements))
        return response

    token = ""
    try:
        for name, path, form in flow(link, day, "count"):
            response = count(name, path, form and {"csrf_token": token, **form})
            if response.status_code in (302, 303):
                response = count(f"{name}: the page after it", response.location, None)
            if match := CSRF.search(response.get_data(as_text=True)):
                token = match.group(1)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return counts


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) of a process and its living children, in seconds."""
    total, pids = 0, [pid]
    while pids:
        current = pids.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime and stime, in clock ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                pids.extend(int(child) for child in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def loop_ms() -> float:
    """The machine's speed of the moment: the best of 5 runs of a fixed pure-Python loop.

    The shared virtual machines this runs on change speed from one minute to the next (the
    same code has measured 7 and 15 ms of CPU a request within an hour); this loop, timed
    before and after the rush, says at what speed a run was made.
    """
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for number in range(200_000):
            total += number * number % 7
        best = min(best, time.perf_counter() - started)
    return best * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--warm-up", type=int, default=0, metavar="STATES",
        help="other States that go through the flow first, unmeasured, as on a server that "
        "has been up for a while (default: none, a cold server)",
    )  # fmt: skip
    parser.add_argument(
        "--rounds", type=int, default=1,
        help="rushes of CLIENTS new States each, one after the other; the figures cover them "
        "all (default 1: with 16 clients, a p95 of 16 submissions is their second slowest)",
    )  # fmt: skip
    options = parser.parse_args()
    measured = options.clients * options.rounds
    if measured + options.warm_up + 1 > len(member_states()):
        parser.error(f"at most {len(member_states()) - 1} States in all "
                     "(clients times rounds, and warm-up)")  # fmt: skip
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
            links = seed(measured + options.warm_up + 1)
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
                rush(port, links[measured : measured + options.warm_up], day, "w")
                timings: dict[str, list[float]] = {}
                errors: list[str] = []
                speed = [loop_ms()]
                postmaster = postgres_pid(postgres)
                cpu_before = (cpu_seconds(web.pid), cpu_seconds(postmaster), time.process_time())
                started = time.perf_counter()
                for first in range(0, measured, options.clients):
                    rush(port, links[first : first + options.clients], day, f"s{first}-",
                         timings, errors)  # fmt: skip
                elapsed = time.perf_counter() - started
                cpu_after = (cpu_seconds(web.pid), cpu_seconds(postmaster), time.process_time())
                cpu = [after - before for before, after in zip(cpu_before, cpu_after, strict=True)]
                speed.append(loop_ms())
                memory = peak_memory_kib(web.pid)
                workers = len(Path(f"/proc/{web.pid}/task/{web.pid}/children").read_text().split())
            finally:
                web.terminate()
                web.wait(20)
            everyone = db.session.execute(
                db.text("SELECT count(*) FROM delegation WHERE state = 'submitted'")
            ).scalar()
            submitted = everyone - options.warm_up  # the measured States only
            counts = count_statements(app, links[-1], day)
            db.session.remove()
            db.engine.dispose()
        submits = timings.get("submit", [])
        print(f"{options.clients} concurrent focal points against gunicorn (Procfile, "
              f"{workers} workers), {options.rounds} round(s), after {options.warm_up} others "
              "(warm-up)")  # fmt: skip
        rate = submitted / elapsed
        print(f"{submitted} delegations submitted in {elapsed:.1f} s: "
              f"{rate:.2f} registrations per second; errors: {errors or 'none'}")  # fmt: skip
        print(f"submit: p50 {percentile(submits, .5) * 1000:.0f} ms, "
              f"p95 {percentile(submits, .95) * 1000:.0f} ms, "
              f"p99 {percentile(submits, .99) * 1000:.0f} ms")  # fmt: skip
        requests = sum(len(values) for values in timings.values())
        print(f"CPU per request ({requests} requests): gunicorn {cpu[0] / requests * 1000:.1f} ms, "
              f"PostgreSQL {cpu[1] / requests * 1000:.1f} ms, "
              f"the clients {cpu[2] / requests * 1000:.1f} ms")  # fmt: skip
        print(f"gunicorn peak memory (master and workers): {memory / 1024:.0f} MiB")
        print(f"the machine's speed: a fixed Python loop took {speed[0]:.1f} ms before the "
              f"rush, {speed[1]:.1f} ms after it\n")  # fmt: skip
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
