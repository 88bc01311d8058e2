"""Benchmark: one circular to N addressees, from "send" to the last message at an SMTP server.

Runs the production way on this machine: a throw-away PostgreSQL cluster, Redis, a Celery
worker started from the Procfile, and a local SMTP server that counts what it receives.

    .venv/bin/python -m bench.circular_send --addressees 1000 --concurrency 2
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from plenary import create_app
from plenary.countries import member_states
from plenary.extensions import db
from plenary.i18n import LANGUAGES
from tests import servers
from tests.conftest import base_settings

TIMING = re.compile(r"outbox (\d+) sent: build ([\d.]+) s, transmit ([\d.]+) s")


def peak_memory_kib(pid: int) -> int:
    """The peak resident memory (VmHWM) of a process and its children, in KiB."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
            for task in Path(f"/proc/{current}/task").iterdir():
                pids.extend(int(child) for child in (task / "children").read_text().split())
        except (FileNotFoundError, AttributeError):
            continue
    return total


def seed(count: int, languages: list[str]) -> int:
    from plenary.invitations.models import Addressee, AddresseeKind
    from tests.factories import make_circular, make_country, make_event

    event = make_event()
    states = member_states()
    countries = [make_country(state.code) for state in states]
    for index in range(count):
        country = countries[index % len(countries)]
        kind = AddresseeKind.ADMINISTRATION if index % 2 == 0 else AddresseeKind.MISSION
        db.session.add(
            Addressee(
                kind=kind, country=country, email=f"addressee{index}@example.org",
                language=languages[index % len(languages)], honorific="H.E.",
                full_name=f"Addressee {index}", title="Minister", city="Geneva",
            )
        )  # fmt: skip
    circular = make_circular(event, audience_kinds=["administration", "mission"])
    from plenary.invitations import demo_texts as texts

    for field in ("subject", "body", "salutation", "closing", "addressed_to", "place",
                  "sender_unit", "signatory_title"):  # fmt: skip
        setattr(circular, field, dict(getattr(texts, field.upper())))
    annex = circular.annexes[0]
    annex.title, annex.body = dict(texts.ANNEX_TITLE), dict(texts.ANNEX_BODY)
    annex.address_block = dict(texts.ANNEX_ADDRESS_BLOCK)
    db.session.commit()
    return circular.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addressees", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--rate", type=float, default=0, help="INVITATIONS_SEND_RATE (0: none)")
    arguments = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="plenary-bench-"))
    redis = servers.start_redis(work)
    postgres = servers.start_postgres()
    smtp = servers.start_smtp()
    worker = None
    try:
        environ = base_settings(
            work,
            DATABASE_URL=postgres.create_database(),
            REDIS_URL=redis.url,
            MAIL_SERVER=smtp.host,
            MAIL_PORT=str(smtp.port),
            INVITATIONS_SEND_RATE=str(arguments.rate),
        )
        app = create_app(environ)
        with app.app_context():
            upgrade()
            circular_id = seed(arguments.addressees, list(LANGUAGES))
            worker = servers.start_worker(environ, work / "worker.log", arguments.concurrency)
            from plenary.invitations import operations
            from plenary.invitations.models import Circular

            circular = db.session.get(Circular, circular_id)
            operations.approve(circular, None, actor="bench")
            started = time.perf_counter()
            operations.start_sending(circular, None, actor="bench")
            db.session.commit()
            operations.dispatch(circular_id)
            queued = time.perf_counter() - started
            smtp.wait_for(arguments.addressees, timeout=3600)
            finished = time.perf_counter() - started
            memory = peak_memory_kib(worker.process.pid)
        timings = [(float(b), float(t)) for _, b, t in TIMING.findall(worker.output())]
        builds = [build for build, _ in timings]
        transmits = [transmit for _, transmit in timings]
        print(f"addressees                  {arguments.addressees}")
        print(f"worker concurrency          {arguments.concurrency}")
        print(f"messages received           {len(smtp.received)}")
        print(f"all queued after            {queued:.1f} s")
        print(f"last message received after {finished:.1f} s")
        print(f"emails per second           {arguments.addressees / finished:.1f}")
        print(f"render (build) per message  median {statistics.median(builds) * 1000:.1f} ms, "
              f"total {sum(builds):.1f} s")  # fmt: skip
        print(f"SMTP send per message       median {statistics.median(transmits) * 1000:.1f} ms, "
              f"total {sum(transmits):.1f} s")  # fmt: skip
        print(f"worker peak memory (VmHWM)  {memory / 1024:.0f} MiB, all processes")
    finally:
        if worker is not None:
            worker.stop()
        smtp.stop()
        postgres.stop()
        redis.stop()


if __name__ == "__main__":
    main()
