"""Bulk mail: one send rate for all of it, the breaker that pauses it, reminders sent once."""

from __future__ import annotations

import pytest

from plenary import outbox, outbox_gate
from plenary.extensions import db
from plenary.invitations import operations
from plenary.models import OutboxMessage, OutboxState, Role
from tests.conftest import submit
from tests.factories import (
    make_addressee,
    make_circular,
    make_country,
    make_event,
    make_user,
    sign_in,
)
from tests.test_outbox import use_smtp


def bulk_message(recipient: str) -> OutboxMessage:
    rendered = outbox.RenderedEmail(subject="CL-26/22", text="Invitation.\n", html=None)
    return outbox.enqueue(
        kind="invitations.circular", recipients=[recipient], email=rendered, bulk=True
    )


@pytest.fixture
def staff(app):
    client = app.test_client()
    make_user("staff@example.org", Role.STAFF)
    sign_in(client, "staff@example.org")
    return client


def test_two_dispatches_share_one_send_rate(app):
    app.config["INVITATIONS_SEND_RATE"] = 4
    first = [outbox_gate.reserve_slot(now=1000.0) for _ in range(3)]
    second = [outbox_gate.reserve_slot(now=1000.0) for _ in range(2)]
    assert first + second == pytest.approx([0, 0.25, 0.5, 0.75, 1.0])
    # A slot not taken in time is not banked: the rate never bursts above itself.
    assert outbox_gate.reserve_slot(now=2000.0) == 0
    assert outbox_gate.reserve_slot(now=2000.0) == pytest.approx(0.25)


def test_bulk_sending_pauses_after_failures_in_a_row_and_resumes_without_loss(app, smtp, staff):
    use_smtp(app, smtp)
    app.config["OUTBOX_BREAKER_FAILURES"] = 3
    circular = make_circular(make_event())
    smtp.handler.refuse_with = "421 4.3.2 Service not available"
    ids = [bulk_message(f"state{number}@example.org").id for number in range(5)]
    db.session.commit()

    rows = [db.session.get(OutboxMessage, message_id) for message_id in ids]
    assert [row.state for row in rows] == [OutboxState.PENDING] * 5
    assert [row.attempts for row in rows] == [1, 1, 1, 0, 0]  # the last two were held back
    page = staff.get(f"/secretariat/invitations/circulars/{circular.id}").get_data(as_text=True)
    assert "Sending is paused" in page
    assert "After 3 failures in a row" in page
    assert "421 4.3.2 Service not available" in page
    # Nothing bulk goes while paused, even when the sweep comes round.
    outbox.sweep(grace_seconds=0)
    assert smtp.received == []

    smtp.handler.refuse_with = None
    show = f"/secretariat/invitations/circulars/{circular.id}"
    assert submit(staff, show, f"{show}/resume-sending").status_code == 302
    received = smtp.wait_for(5)
    assert sorted(mail.recipients[0] for mail in received) == [
        f"state{number}@example.org" for number in range(5)
    ]
    db.session.expire_all()
    assert {db.session.get(OutboxMessage, i).state for i in ids} == {OutboxState.SENT}
    assert "Sending is paused" not in staff.get(show).get_data(as_text=True)
    outbox.sweep(grace_seconds=0)
    assert len(smtp.received) == 5


def test_a_recipient_refused_does_not_count_towards_the_pause(app, smtp):
    use_smtp(app, smtp)
    app.config["OUTBOX_BREAKER_FAILURES"] = 2
    smtp.handler.refuse_with = "421 Busy"
    bulk_message("first@example.org")
    db.session.commit()
    smtp.handler.refuse_with = None
    bulk_message("second@example.org")  # a success starts the count again
    db.session.commit()
    smtp.handler.refuse_with = "421 Busy"
    bulk_message("third@example.org")
    db.session.commit()
    assert outbox_gate.paused_since() is None
    assert outbox_gate.status().consecutive_failures == 1


def test_submitting_the_reminder_form_twice_sends_one_reminder_each(app, staff):
    event = make_event()
    estonia = make_country("EE")
    make_addressee(estonia, "administration", "admin.ee@example.org")
    make_addressee(estonia, "mission", "mission.ee@example.org")
    circular = make_circular(event)
    db.session.commit()
    operations.approve(circular, None, actor="test")
    operations.start_sending(circular, None, actor="test")
    db.session.commit()
    # Queue without sending: the letters' PDFs are not what this test is about.
    app.extensions["celery"].conf.task_always_eager = False
    app.extensions["celery"].conf.broker_url = "memory://"
    operations.dispatch(circular.id)
    db.session.execute(db.update(OutboxMessage).values(state=OutboxState.SENT))
    db.session.commit()

    show = f"/secretariat/invitations/circulars/{circular.id}"
    page = staff.get(show)  # two submissions of the same page, as a double click sends
    for _ in range(2):
        assert submit(staff, show, f"{show}/remind", status="not_answered").status_code == 302
    assert page.status_code == 200
    reminders = db.session.scalars(
        db.select(OutboxMessage).filter_by(kind="invitations.reminder")
    ).all()
    assert sorted(row.recipients[0] for row in reminders) == [
        "admin.ee@example.org",
        "mission.ee@example.org",
    ]
    assert all(row.bulk for row in reminders)
    assert "0 reminders queued" in staff.get(show).get_data(as_text=True)
