"""A focal point registers a delegation in a real browser (Chromium, headless, via Playwright)."""

from __future__ import annotations

import io
import shutil
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from plenary.extensions import db
from plenary.invitations.models import Invitation
from plenary.registration.models import Delegate, Delegation, DelegationState
from tests.registration_helpers import invited_state, link_of, open_event

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def journey(app, tmp_path) -> Iterator[dict]:
    event = open_event()
    _country, (ministry, _mission) = invited_state(event)
    db.session.commit()
    link = link_of(ministry)
    from pypdf import PdfWriter

    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    note = tmp_path / "note-verbale.pdf"
    note.write_bytes(buffer.getvalue())
    invitation_id = ministry.id
    db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}{link}", "note": note,
           "invitation": invitation_id}  # fmt: skip
    server.shutdown()


def test_a_focal_point_answers_registers_two_delegates_and_submits(journey):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_context(locale="en-GB").new_page()
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(journey["url"])
        assert page.locator("h1").inner_text() == "Estonia"
        page.get_by_label("Yes, we intend to take part").check()
        page.get_by_label("Expected level of the head of delegation").select_option("minister")
        page.get_by_label("The head of delegation wishes to address").check()
        page.get_by_label("Focal point: full name").fill("Kaja Tamm")
        page.get_by_label("Focal point: email").fill("kaja.tamm@example.ee")
        page.get_by_role("button", name="Save the answer").click()
        page.wait_for_url("**/delegates")
        for given, family, email, role in (
            ("Alar", "Karis", "alar.karis@example.ee", "head"),
            ("Mari", "Maasikas", "mari.maasikas@example.ee", "member"),
        ):
            page.get_by_role("link", name="Add a delegate").click()
            page.get_by_label("Given name").fill(given)
            page.get_by_label("Family name").fill(family)
            page.get_by_label("Email", exact=True).fill(email)
            page.get_by_label("Role in the delegation").select_option(role)
            page.get_by_role("button", name="Save the delegate").click()
            page.wait_for_url("**/delegates")
        assert page.locator("table.delegates").inner_text().count("awaiting the Secretariat") == 2
        page.get_by_label("Note verbale (PDF)").set_input_files(str(journey["note"]))
        page.get_by_role("button", name="Upload").click()
        assert "note-verbale.pdf" in page.content()
        page.get_by_role("button", name="Submit the delegation to the Secretariat").click()
        page.wait_for_load_state()
        assert "submitted and awaits the Secretariat" in page.content()
        # Long names within the limits, on a phone, right to left: the page stays on the
        # screen, and a table too wide for it scrolls inside it.
        page.goto(journey["url"] + "/delegates/new")
        page.get_by_label("Given name").fill("Abdulrahman" * 9)
        page.get_by_label("Family name").fill("Long")
        page.get_by_label("Function").fill("Adviser" * 28)
        page.get_by_label("Email", exact=True).fill("long.name@example.ee")
        page.get_by_role("button", name="Save the delegate").click()
        page.wait_for_url("**/delegates")
        base = journey["url"].split("/delegation/")[0]
        for width, path in ((390, journey["url"] + "/delegates?lang=ar"),
                            (1280, journey["url"] + "/delegates?lang=ar"),
                            (390, base + "/inquiries/contact?lang=ar"),
                            (1280, base + "/inquiries/contact?lang=ar")):  # fmt: skip
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(path)
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, (path, width, wide)
            box = page.locator("h1").bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (path, box)
        assert errors == []
        browser.close()
    delegation = db.session.scalar(select(Delegation))
    assert delegation.state == DelegationState.SUBMITTED and delegation.speaking_request
    names = sorted(d.full_name for d in db.session.scalars(select(Delegate)))
    assert names == ["Abdulrahman" * 9 + " Long", "Alar Karis", "Mari Maasikas"]
    # The browser's visit counted as one opening, its later page loads did not.
    assert db.session.get(Invitation, journey["invitation"]).open_count == 1
