"""The pages in a real browser: Debian's Chromium, headless, driven by Playwright."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from plenary import seed
from plenary.extensions import db
from plenary.models import Role
from tests.factories import PASSWORD, make_user

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def live_server(app) -> Iterator[str]:
    seed.seed_demo()
    make_user("staff@example.org", Role.ADMIN)
    db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def page(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        context = browser.new_context(locale="en-GB")
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console",
            lambda message: message.type == "error" and page.console_errors.append(message.text),
        )
        yield page
        browser.close()


def test_a_visitor_reads_the_event_and_switches_to_arabic(page, live_server, tmp_path):
    page.goto(live_server + "/")
    assert page.locator("h1").inner_text() == "Global Dialogue on AI Governance"
    page.get_by_role("link", name="العربية").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "الحوار العالمي بشأن حوكمة الذكاء الاصطناعي"
    # In a right-to-left page the brand sits on the right.
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > page.viewport_size["width"] / 2
    page.screenshot(path=tmp_path / "home-ar.png", full_page=True)
    assert (tmp_path / "home-ar.png").stat().st_size > 10_000
    assert page.console_errors == []


def test_staff_signs_in_and_opens_sent_mail(page, live_server):
    page.goto(live_server + "/secretariat/mail")
    assert page.url.startswith(live_server + "/login")
    page.get_by_label("Email").fill("staff@example.org")
    page.get_by_label("Password").fill("wrong password!")
    page.get_by_role("button", name="Sign in").click()
    assert page.locator("#password-error").inner_text() == "The email or the password is wrong."
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server + "/secretariat/mail")
    assert page.locator("h1").inner_text() == "Sent mail"
    page.get_by_role("link", name="Accounts").click()
    assert page.locator("h1").inner_text() == "Secretariat accounts"
    assert page.console_errors == []
