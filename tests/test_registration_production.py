"""The focal point's side the production way: PostgreSQL, Redis, a Celery worker, real SMTP."""

from __future__ import annotations

import re

from sqlalchemy import select

from plenary.extensions import db
from plenary.registration.models import Delegate, Delegation, DelegationState
from tests.conftest import submit
from tests.registration_helpers import invited_state, open_event, side_event

BROWSER = {"Sec-Fetch-Mode": "navigate", "Accept-Language": "en", "Accept": "text/html"}


def body_of(received) -> str:
    return received.message.get_body(("plain",)).get_content()


def test_new_link_answer_and_waiting_list_emails_arrive_by_smtp(production_stack):
    stack = production_stack
    event = open_event()
    _country, (_ministry, _mission) = invited_state(event)
    reception = side_event(event, capacity=1)
    db.session.commit()
    client = stack.app.test_client()

    # Ask for a new link: it arrives at the ministry's address, and it works.
    submit(client, "/delegation/new-link", email="ministry@example.ee")
    [new_link] = stack.smtp.wait_for(1, timeout=60)
    assert new_link.recipients == ["ministry@example.ee"]
    link = re.search(r"http://plenary\.test(/delegation/[^\s?]+)", body_of(new_link)).group(1)
    assert client.get(link, headers=BROWSER).status_code == 200

    # The ministry answers: the mission is told, in French.
    submit(client, link, participation="yes", head_level="minister",
           focal_point_name="Kaja Tamm", focal_point_email="kaja.tamm@example.ee")  # fmt: skip
    received = stack.smtp.wait_for(2, timeout=60)
    notice = received[1]
    assert notice.recipients == ["mission@example.ee"]
    assert notice.message["Subject"].startswith("Réponse reçue – Estonie")

    day = event.starts_on.isoformat()
    for number in (1, 2):
        submit(client, f"{link}/delegates/new", given_name=f"Given{number}",
               family_name=f"Family{number}", email=f"person{number}@example.ee",
               role="member", days=day, attendance="in_person", language="en")  # fmt: skip
    first, second = db.session.scalars(select(Delegate).order_by(Delegate.id)).all()
    # A head joins and the delegation is submitted: on PostgreSQL the submission reads the
    # delegation with its members under one lock; the acknowledgement lists all three.
    submit(client, f"{link}/delegates/new", given_name="Given3", family_name="Family3",
           email="person3@example.ee", role="head", days=day, attendance="in_person",
           language="en")  # fmt: skip
    submit(client, f"{link}/delegates", f"{link}/submit")
    assert db.session.scalar(select(Delegation.state)) == DelegationState.SUBMITTED
    acknowledgement = stack.smtp.wait_for(3, timeout=60)[2]
    assert acknowledgement.recipients == ["kaja.tamm@example.ee"]
    assert all(f"Family{number}" in body_of(acknowledgement) for number in (1, 2, 3))

    # Submitted, its delegates take side-event places; a place given up goes to the next.
    places = f"{link}/side-events"
    submit(client, places, f"{places}/{reception.id}/{first.id}", place_action="sign_up")
    submit(client, places, f"{places}/{reception.id}/{second.id}", place_action="sign_up")
    submit(client, places, f"{places}/{reception.id}/{first.id}", place_action="cancel")
    promoted = stack.smtp.wait_for(4, timeout=60)[3]
    assert promoted.recipients == ["person2@example.ee"]
    assert "A place has become free and it is yours" in body_of(promoted)
