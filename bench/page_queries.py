"""Benchmark: the SQL statements and the time of the Secretariat's pages on the demo data.

Seeds the demo (386 addressees) on a SQLite file, sends CL-26/22 on the embedded default
(the .eml files go to a temporary folder), then opens each page and counts its queries.

    .venv/bin/python -m bench.page_queries
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

from plenary import create_app
from plenary.extensions import db
from plenary.models import Role
from plenary.seed import seed_demo
from tests.conftest import RequestClient, base_settings
from tests.factories import make_user, sign_in


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="plenary-pages-"))
    app = create_app(base_settings(work, INVITATIONS_SEND_RATE="0"))
    app.test_client_class = RequestClient
    with app.app_context():
        db.create_all()
        seed_demo()
        from plenary.invitations import operations

        circular = operations.find_circular("CL-26/22")
        operations.approve(circular, None, actor="bench")
        operations.start_sending(circular, None, actor="bench")
        db.session.commit()
        started = time.perf_counter()
        operations.dispatch(circular.id)
        sending = time.perf_counter() - started
        make_user("bench@example.org", Role.ADMIN)
        client = app.test_client()
        sign_in(client, "bench@example.org")
        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        pages = [
            "/",
            "/secretariat/",
            "/secretariat/mail",
            "/secretariat/invitations/addressees",
            "/secretariat/invitations/addressees?answered=no",
            "/secretariat/invitations/circulars",
            f"/secretariat/invitations/circulars/{circular.id}",
            f"/secretariat/invitations/circulars/{circular.id}?status=not_answered",
            f"/secretariat/invitations/circulars/{circular.id}/progress",
            f"/secretariat/invitations/circulars/{circular.id}/states",
        ]
        print(f"CL-26/22 to 386 addressees on the embedded default: {sending:.1f} s\n")
        print("| page | status | SQL statements | median time (5 runs) |")
        print("| --- | --- | --- | --- |")
        for page in pages:
            times = []
            for _ in range(5):
                statements.clear()
                started = time.perf_counter()
                response = client.get(page)
                times.append(time.perf_counter() - started)
            print(f"| `{page}` | {response.status_code} | {len(statements)} | "
                  f"{statistics.median(times) * 1000:.0f} ms |")  # fmt: skip


if __name__ == "__main__":
    main()
