"""Benchmark: the Secretariat's review queue, speakers list and exports with 2,000 delegates.

Starts a throw-away PostgreSQL cluster (tests/servers.py), migrates it, seeds one event with
the 193 Member States' delegations (submitted, 60 asking to speak) and 2,000 delegates, then
opens each page 10 times as a signed-in staff member through the Flask test client (in
process, no gunicorn) and reports the median and p95 time and the SQL statements.

    .venv/bin/python -m bench.registration_review
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event as sql_event

from plenary import create_app
from plenary.countries import member_states
from plenary.extensions import db
from plenary.models import Country, Role
from plenary.registration.models import Delegate, DelegateRole, DelegateState, Delegation, HeadLevel
from plenary.registration.models import DelegationState as State
from tests import servers
from tests.conftest import RequestClient, base_settings
from tests.factories import make_event, make_user, sign_in

DELEGATES = 2000
RUNS = 10


def seed() -> int:
    event = make_event(max_delegation_size=20)
    levels = list(HeadLevel)
    start = datetime(2026, 5, 1, tzinfo=UTC)
    states = member_states()
    countries = [Country(code=s.code, region=s.region, names=dict(s.names)) for s in states]
    db.session.add_all(countries)
    db.session.flush()
    delegations = []
    for number, country in enumerate(countries):
        delegations.append(
            Delegation(
                event_id=event.id, country_id=country.id, participates=True,
                head_level=levels[number % len(levels)], state=State.SUBMITTED,
                speaking_request=number % 3 == 0,
                speaking_requested_at=start + timedelta(hours=number),
                submitted_at=start + timedelta(hours=number), focal_point_name="Focal Point",
                focal_point_email=f"fp@{country.code.lower()}.example",
            )
        )  # fmt: skip
    db.session.add_all(delegations)
    db.session.flush()
    for number in range(DELEGATES):
        delegation = delegations[number % len(delegations)]
        head = number < len(delegations)
        db.session.add(
            Delegate(
                delegation_id=delegation.id, event_id=event.id, honorific="H.E.",
                given_name=f"Given{number}", family_name=f"Family{number}",
                function="Adviser", institution="Ministry", email=f"d{number}@example.org",
                role=DelegateRole.HEAD if head else DelegateRole.MEMBER,
                state=DelegateState.PENDING, days=["2026-07-06", "2026-07-07"],
            )
        )  # fmt: skip
        delegation.delegate_count += 1
    db.session.commit()
    return event.id


def main() -> None:
    postgres = servers.start_postgres()
    url = postgres.create_database()
    work = Path(tempfile.mkdtemp(prefix="plenary-review-"))
    app = create_app(base_settings(work, DATABASE_URL=url))
    app.test_client_class = RequestClient
    try:
        with app.app_context():
            upgrade()
            event_id = seed()
            make_user("bench@example.org", Role.STAFF)
            client = app.test_client()
            sign_in(client, "bench@example.org")
            statements: list[str] = []
            sql_event.listen(db.engine, "before_cursor_execute",
                             lambda *a: statements.append(a[2]))  # fmt: skip
            base = f"/secretariat/events/{event_id}"
            pages = [
                f"{base}/delegations",
                f"{base}/delegations?region=africa",
                f"{base}/delegations?state=submitted&level=minister",
                f"{base}/delegations?q=family1999",
                f"{base}/delegations/1",
                f"{base}/speakers",
                f"{base}/exports/delegations.csv",
                f"{base}/exports/delegates.csv",
                f"{base}/exports/delegates.xlsx",
                f"{base}/exports/speakers.csv",
            ]
            print(f"PostgreSQL, one event, 193 delegations, {DELEGATES} delegates; "
                  f"{RUNS} runs a page, in-process test client\n")  # fmt: skip
            print("| page | status | bytes | SQL statements | median | p95 |")
            print("| --- | --- | --- | --- | --- | --- |")
            for page in pages:
                times = []
                for _ in range(RUNS):
                    statements.clear()
                    started = time.perf_counter()
                    response = client.get(page)
                    times.append(time.perf_counter() - started)
                times.sort()
                p95 = times[min(int(len(times) * 0.95), len(times) - 1)]
                median = statistics.median(times) * 1000
                print(f"| `{page.replace(base, '…')}` | {response.status_code} | "
                      f"{len(response.get_data())} | {len(statements)} | "
                      f"{median:.0f} ms | {p95 * 1000:.0f} ms |")  # fmt: skip
            db.session.remove()
            db.engine.dispose()
    finally:
        postgres.drop_database(url)
        postgres.stop()


if __name__ == "__main__":
    main()
