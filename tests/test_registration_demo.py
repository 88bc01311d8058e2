"""The demo lets a newcomer register today: an open event, its circular sent, links on Sent mail."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from plenary import seed
from plenary.extensions import db
from plenary.models import Event, OutboxMessage, OutboxState
from plenary.registration import seed as registration_seed
from tests.factories import sign_in


@pytest.fixture
def settings(tmp_path):
    from tests.conftest import base_settings

    return base_settings(tmp_path, SEED_DEMO_INVITATIONS="true")


def test_the_demo_has_an_open_event_whose_links_are_on_sent_mail(app, client, monkeypatch):
    # One State keeps the test quick; the demo itself invites one State per UN language.
    monkeypatch.setattr(registration_seed, "DEMO_STATES", ("EE",))
    lines = seed.seed_demo()
    assert any(line.startswith("registration demo: ") and "sent to 1 addressees" in line
               for line in lines)  # fmt: skip
    demo = db.session.scalar(select(Event).filter_by(slug=registration_seed.DEMO_OPEN_EVENT_SLUG))
    assert demo.demo and demo.published
    geneva = db.session.scalar(select(Event).filter_by(slug=seed.DEMO_EVENT_SLUG))
    assert not geneva.demo  # the Geneva event stays as seeded

    home = client.get("/?lang=en").get_data(as_text=True)
    assert "<h1>Global Dialogue on AI Governance</h1>" in home
    assert "registration is open for Global Dialogue on AI Governance, second session" in home

    message = db.session.scalar(select(OutboxMessage).filter_by(kind="invitations.circular"))
    assert message.state == OutboxState.SENT
    assert message.recipients == ["administration.ee@example.org"]
    link = re.search(r"http://plenary\.test(/delegation/[^\s?]+)", message.text_body).group(1)
    page = client.get(link).get_data(as_text=True)
    assert "Estonia" in page and "second session (demo data)" in page
    assert 'name="participation"' in page  # registration is open: the form is there

    from plenary.models import Role
    from tests.factories import make_user

    make_user("admin2@example.org", Role.ADMIN)
    staff = app.test_client()
    sign_in(staff, "admin2@example.org")
    assert staff.get("/secretariat/mail").status_code == 200
    assert any(line.startswith("registration demo: already there") for line in seed.seed_demo())
