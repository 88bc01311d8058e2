"""No overbooking under concurrent submissions, on PostgreSQL: the size limit and side events.
A delegation submitted from several tabs at once is submitted and acknowledged once, on
PostgreSQL as on SQLite."""

from __future__ import annotations

import threading

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from plenary import create_app
from plenary.extensions import db
from plenary.models import OutboxMessage
from plenary.registration import delegations, side_events
from plenary.registration.errors import DelegationFull, EmailTaken, NotAllowedNow
from plenary.registration.models import (
    Delegate,
    DelegateRole,
    Delegation,
    DelegationState,
    PlaceState,
    SideEventPlace,
)
from tests.conftest import base_settings
from tests.registration_helpers import invited_state, open_event, person, received, side_event

PARALLEL = 20


@pytest.fixture
def postgres_app(tmp_path, postgres_url):
    app = create_app(base_settings(tmp_path, DATABASE_URL=postgres_url))
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def run_together(app, work) -> list[str]:
    """Run work(number) in PARALLEL threads, each with its own session, released at once."""
    barrier = threading.Barrier(PARALLEL)
    outcomes: list[str] = []

    def one(number: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                outcomes.append(work(number))
                db.session.commit()
            except DelegationFull:
                db.session.rollback()
                outcomes.append("full")
            except EmailTaken:
                db.session.rollback()
                outcomes.append("email taken")
            except NotAllowedNow:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_twenty_parallel_additions_against_a_limit_of_five_leave_five(postgres_app):
    event = open_event(max_delegation_size=5)
    country, _ = invited_state(event)
    delegation_id = delegations.ensure_delegation(event, country.id, None).id
    db.session.commit()

    def add(number: int) -> str:
        delegation = db.session.get(Delegation, delegation_id)
        delegations.add_delegate(delegation, person(number), actor="focal point (EE)")
        return "added"

    outcomes = run_together(postgres_app, add)
    assert sorted(outcomes) == ["added"] * 5 + ["full"] * 15
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Delegate)) == 5
    assert db.session.get(Delegation, delegation_id).delegate_count == 5


def test_twenty_parallel_registrations_of_one_email_keep_one(postgres_app):
    """Some of them pass the email check before any has committed: the unique index refuses the
    rest, each gets the field's message, and their rollback gives the places back."""
    event = open_event(max_delegation_size=None)
    country, _ = invited_state(event)
    delegation_id = delegations.ensure_delegation(event, country.id, None).id
    db.session.commit()

    def add(number: int) -> str:
        delegation = db.session.get(Delegation, delegation_id)
        same_person = person(number, email="one.person@example.ee")
        delegations.add_delegate(delegation, same_person, actor="focal point (EE)")
        return "added"

    outcomes = run_together(postgres_app, add)
    assert sorted(outcomes) == ["added"] + ["email taken"] * (PARALLEL - 1)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Delegate)) == 1
    assert db.session.get(Delegation, delegation_id).delegate_count == 1


def test_twenty_parallel_sign_ups_for_five_places_confirm_five(postgres_app):
    event = open_event(max_delegation_size=None)
    country, _ = invited_state(event)
    delegation = delegations.ensure_delegation(event, country.id, None)
    people = [delegations.add_delegate(delegation, person(n), actor="t") for n in range(PARALLEL)]
    received(delegation)
    reception = side_event(event, capacity=5)
    db.session.commit()
    ids = [p.id for p in people]
    session_id = reception.id

    def sign_up(number: int) -> str:
        from plenary.models import EventSession

        place = side_events.sign_up(
            db.session.get(EventSession, session_id), db.session.get(Delegate, ids[number]),
            actor="t",
        )  # fmt: skip
        return place.state.value

    outcomes = run_together(postgres_app, sign_up)
    assert sorted(outcomes) == ["confirmed"] * 5 + ["waiting"] * 15
    db.session.expire_all()
    states = db.session.scalars(select(SideEventPlace.state)).all()
    assert states.count(PlaceState.CONFIRMED) == 5 and len(states) == PARALLEL


def test_twenty_first_answers_at_once_make_one_delegation(postgres_app):
    event = open_event()
    country, _ = invited_state(event)
    db.session.commit()
    event_id, country_id = event.id, country.id

    def first_answer(number: int) -> str:
        from plenary.models import Event

        delegation = delegations.ensure_delegation(
            db.session.get(Event, event_id), country_id, None
        )
        return str(delegation.id)

    outcomes = run_together(postgres_app, first_answer)
    assert len(outcomes) == PARALLEL and len(set(outcomes)) == 1
    assert db.session.scalar(select(func.count()).select_from(Delegation)) == 1


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request, tmp_path):
    extra = {}
    if request.param == "postgresql":
        extra["DATABASE_URL"] = request.getfixturevalue("postgres_url")
    app = create_app(base_settings(tmp_path, **extra))
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_twenty_parallel_submissions_of_one_delegation_acknowledge_it_once(any_app):
    event = open_event(max_delegation_size=None)
    country, _ = invited_state(event)
    delegation = delegations.ensure_delegation(event, country.id, None)
    delegation.participates = True
    delegations.add_delegate(delegation, person(1, role=DelegateRole.HEAD), actor="t")
    db.session.commit()
    delegation_id = delegation.id

    def submit(number: int) -> str:
        delegations.submit_delegation(db.session.get(Delegation, delegation_id), actor="t")
        return "submitted"

    outcomes = run_together(any_app, submit)
    assert sorted(outcomes) == ["refused"] * (PARALLEL - 1) + ["submitted"]
    db.session.expire_all()
    assert db.session.get(Delegation, delegation_id).state == DelegationState.SUBMITTED
    kinds = db.session.scalars(select(OutboxMessage.kind)).all()
    assert kinds.count("registration.acknowledgement") == 1, kinds
