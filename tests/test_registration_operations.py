"""The registration operations, called directly as the views and the Secretariat's side do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from plenary.extensions import db
from plenary.models import OutboxMessage
from plenary.registration import delegations, side_events
from plenary.registration.errors import (
    DelegationFull,
    EmailTaken,
    HeadTaken,
    IncompleteDelegation,
    NotAllowedNow,
    NotTakingPart,
    RegistrationClosed,
    StaleAnswer,
)
from plenary.registration.models import (
    Attendance,
    DelegateRole,
    DelegateState,
    DelegationChange,
    DelegationState,
    HeadLevel,
    PlaceState,
)
from tests.factories import make_country, make_user
from tests.registration_helpers import (
    NOW,
    invited_state,
    open_event,
    person,
    received,
    side_event,
)

ACTOR = "focal point (EE)"


@pytest.fixture
def delegation(app):
    event = open_event()
    country, _invitations = invited_state(event)
    delegation = delegations.ensure_delegation(event, country.id, None)
    delegations.record_intent(
        delegation,
        delegations.Intent(participates=True, head_level=HeadLevel.MINISTER),
        actor=ACTOR,
    )
    db.session.commit()
    return delegation


def outbox_kinds() -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)))


def test_ensure_delegation_twice_gives_the_same_row(app):
    event = open_event()
    country, _ = invited_state(event)
    first = delegations.ensure_delegation(event, country.id, None)
    second = delegations.ensure_delegation(event, country.id, None)
    assert first.id == second.id and first.state == DelegationState.DRAFT


def test_a_state_that_declines_keeps_no_level_or_wishes(delegation):
    delegations.record_intent(
        delegation,
        delegations.Intent(participates=True, head_level=HeadLevel.HEAD_OF_STATE,
                           speaking_request=True, panel_interest=True),
        actor=ACTOR,
    )  # fmt: skip
    assert delegation.speaking_requested_at is not None
    delegations.record_intent(delegation, delegations.Intent(participates=False), actor=ACTOR)
    assert delegation.participates is False
    assert delegation.head_level is None and not delegation.speaking_request
    assert not delegation.panel_interest and delegation.speaking_requested_at is None


def test_an_offer_to_contribute_is_forwarded_once(delegation):
    offer = delegations.Intent(participates=True, head_level=HeadLevel.MINISTER,
                               contribution_offer=True, contribution_note="CHF 10,000")  # fmt: skip
    delegations.record_intent(delegation, offer, actor=ACTOR)
    delegations.record_intent(delegation, offer, actor=ACTOR)
    db.session.commit()
    message = db.session.scalar(
        select(OutboxMessage).filter_by(kind="registration.contribution_offer")
    )
    assert message.recipients == ["contributions@example.org"]
    assert "CHF 10,000" in message.text_body
    assert outbox_kinds().count("registration.contribution_offer") == 1


def test_a_stale_form_is_refused(delegation):
    old_version = delegation.version
    delegations.record_intent(
        delegation, delegations.Intent(participates=True, head_level=HeadLevel.MINISTER,
                                       comment="first"), actor=ACTOR,
    )  # fmt: skip
    with pytest.raises(StaleAnswer):
        delegations.record_intent(
            delegation, delegations.Intent(participates=False), actor=ACTOR, version=old_version
        )
    assert delegation.participates is True


def test_the_size_limit_holds(delegation):
    for number in range(5):
        delegations.add_delegate(delegation, person(number), actor=ACTOR)
    with pytest.raises(DelegationFull):
        delegations.add_delegate(delegation, person(9), actor=ACTOR)
    db.session.commit()
    db.session.refresh(delegation)
    assert delegation.delegate_count == 5 and len(delegation.delegates) == 5


def test_one_registration_per_email_and_one_head(delegation):
    delegations.add_delegate(delegation, person(1, DelegateRole.HEAD), actor=ACTOR)
    with pytest.raises(EmailTaken) as taken:
        delegations.add_delegate(delegation, person(2, email="PERSON1@example.ee"), actor=ACTOR)
    assert taken.value.field == "email"
    with pytest.raises(HeadTaken):
        delegations.add_delegate(delegation, person(3, DelegateRole.HEAD), actor=ACTOR)
    db.session.commit()
    db.session.refresh(delegation)
    # Refused additions took no place.
    assert delegation.delegate_count == 1


def test_submission_needs_a_head_then_changes_are_recorded(delegation):
    member = delegations.add_delegate(delegation, person(1), actor=ACTOR)
    with pytest.raises(IncompleteDelegation):
        delegations.submit_delegation(delegation, actor=ACTOR)
    delegations.add_delegate(delegation, person(2, DelegateRole.HEAD), actor=ACTOR)
    delegations.submit_delegation(delegation, actor=ACTOR)
    assert delegation.state == DelegationState.SUBMITTED and delegation.submitted_at
    assert db.session.scalar(select(DelegationChange)) is None  # drafts keep no change list
    delegations.update_delegate(member, person(1, function="Adviser on AI"), actor=ACTOR)
    delegations.cancel_delegate(member, actor=ACTOR)
    db.session.commit()
    changes = list(db.session.scalars(select(DelegationChange).order_by(DelegationChange.id)))
    assert [(c.what, c.actor) for c in changes] == [
        ("delegate.edit", ACTOR),
        ("delegate.cancel", ACTOR),
    ]
    assert changes[0].details == {"function": ["", "Adviser on AI"]}
    db.session.refresh(delegation)
    assert delegation.delegate_count == 1 and member.state == DelegateState.CANCELLED


def test_a_focal_point_changing_who_was_approved_sends_them_back_for_review(delegation):
    staff = make_user()
    head = delegations.add_delegate(delegation, person(1, DelegateRole.HEAD), actor=ACTOR)
    member = delegations.add_delegate(delegation, person(2), actor=ACTOR)
    delegations.submit_delegation(delegation, actor=ACTOR)
    delegations.approve_delegation(delegation, staff)
    db.session.commit()
    badge = head.badge_number
    # A phone number is not what was approved; another name, passport or role is.
    delegations.update_delegate(member, person(2, phone="+372 555 0100"), actor=ACTOR)
    assert member.state == DelegateState.APPROVED
    delegations.update_delegate(head, person(1, DelegateRole.HEAD, given_name="Other",
                                             passport_number="K0000001"), actor=ACTOR)  # fmt: skip
    assert head.state == DelegateState.PENDING and head.approved_at is None
    change = db.session.scalars(select(DelegationChange).order_by(DelegationChange.id)).all()[-1]
    assert change.details["state"] == ["approved", "pending"]
    assert change.details["passport_number"] == ["…", "…"]
    # The Secretariat's own correction keeps the approval.
    delegations.update_delegate(member, person(2, given_name="Corrected"), actor="s", user=staff)
    assert member.state == DelegateState.APPROVED
    # Approved again: the same badge number, and a new confirmation to the person.
    delegations.approve_delegate(head, staff)
    db.session.commit()
    assert head.state == DelegateState.APPROVED and head.badge_number == badge
    confirmations = db.session.scalars(
        select(OutboxMessage).filter_by(kind="registration.confirmation")
    ).all()
    assert [m.recipients[0] for m in confirmations].count("person1@example.ee") == 2


def test_removing_from_a_draft_deletes_and_frees_the_place(delegation):
    member = delegations.add_delegate(delegation, person(1), actor=ACTOR)
    delegations.remove_delegate(member, actor=ACTOR)
    db.session.commit()
    db.session.refresh(delegation)
    assert delegation.delegates == [] and delegation.delegate_count == 0


def test_cancelling_the_delegation_cancels_everyone(delegation):
    delegations.add_delegate(delegation, person(1, DelegateRole.HEAD), actor=ACTOR)
    delegations.add_delegate(delegation, person(2), actor=ACTOR)
    delegations.cancel_delegation(delegation, actor=ACTOR, reason="No travel")
    db.session.commit()
    db.session.refresh(delegation)
    assert delegation.state == DelegationState.CANCELLED and delegation.delegate_count == 0
    assert {d.state for d in delegation.delegates} == {DelegateState.CANCELLED}


def test_the_secretariat_approves_and_badges_are_numbered(delegation):
    staff = make_user()
    head = delegations.add_delegate(delegation, person(1, DelegateRole.HEAD), actor=ACTOR)
    delegations.submit_delegation(delegation, actor=ACTOR)
    approved = delegations.approve_delegation(delegation, staff)
    assert approved == [head] and head.state == DelegateState.APPROVED
    assert head.badge_number == f"{delegation.event_id:03d}-{head.id:06d}"
    assert delegation.decided_by_id == staff.id


def test_a_state_that_withdraws_hears_it_once_and_may_register_again(delegation):
    delegations.add_delegate(delegation, person(1, DelegateRole.HEAD), actor=ACTOR)
    delegations.submit_delegation(delegation, actor=ACTOR)
    db.session.commit()
    delegations.record_intent(delegation, delegations.Intent(participates=False), actor=ACTOR)
    db.session.commit()
    kinds = db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    # The submission's acknowledgement, then the cancellation alone (to the focal point and
    # the delegate), and no "changes received" beside it.
    assert kinds == ["registration.acknowledgement"] + ["registration.cancellation"] * 2
    delegations.reopen_delegation(delegation, actor=ACTOR)
    assert delegation.state == DelegationState.DRAFT and delegation.participates is True
    delegations.add_delegate(delegation, person(2, DelegateRole.HEAD), actor=ACTOR)
    delegation.participates = False  # an answer of "no" left on a draft
    with pytest.raises(NotTakingPart):
        delegations.submit_delegation(delegation, actor=ACTOR)


def test_after_the_window_only_the_secretariat_changes(delegation):
    delegation.event.registration_closes_at = NOW - timedelta(minutes=1)
    with pytest.raises(RegistrationClosed):
        delegations.add_delegate(delegation, person(1), actor=ACTOR)
    with pytest.raises(RegistrationClosed):
        delegations.record_intent(delegation, delegations.Intent(participates=False), actor=ACTOR)
    staff = make_user()
    delegations.add_delegate(delegation, person(1), actor=staff.email, user=staff)


def test_an_unpublished_event_takes_no_change(delegation):
    delegation.event.published = False
    with pytest.raises(RegistrationClosed):
        delegations.add_delegate(delegation, person(1), actor=ACTOR)


def test_self_registration_waits_for_the_focal_point(delegation):
    requested = delegations.self_register(delegation.event, delegation.country_id, person(7))
    assert requested.state == DelegateState.REQUESTED and requested.self_registered
    assert delegation.delegate_count == 0
    delegations.accept_self_registration(requested, actor=ACTOR)
    assert requested.state == DelegateState.PENDING
    db.session.refresh(delegation)
    assert delegation.delegate_count == 1
    other = delegations.self_register(delegation.event, delegation.country_id, person(8))
    delegations.decline_self_registration(other, actor=ACTOR, reason="Not in our delegation")
    assert other.state == DelegateState.REJECTED
    # A refused person may register again.
    again = delegations.self_register(delegation.event, delegation.country_id, person(8))
    assert again.state == DelegateState.REQUESTED


def test_a_side_event_place_is_for_a_submitted_delegate_there_that_day(delegation):
    reception = side_event(delegation.event, capacity=5)  # on the event's first day
    first, second = delegation.event.starts_on.isoformat(), delegation.event.ends_on.isoformat()
    there = delegations.add_delegate(delegation, person(1, days=[first]), actor=ACTOR)
    online = delegations.add_delegate(
        delegation, person(2, days=[first], attendance=Attendance.ONLINE), actor=ACTOR
    )
    later = delegations.add_delegate(delegation, person(3, days=[second]), actor=ACTOR)
    assert side_events.refusal(reception, there) == side_events.NOT_SUBMITTED
    with pytest.raises(NotAllowedNow, match="Given1 Family1: Places are taken once"):
        side_events.sign_up(reception, there, actor=ACTOR)
    received(delegation)
    assert side_events.refusal(reception, there) is None
    assert side_events.sign_up(reception, there, actor=ACTOR).state == PlaceState.CONFIRMED
    for person_, reason in ((online, "Attends online."), (later, "Does not attend on that day.")):
        with pytest.raises(NotAllowedNow, match=reason):
            side_events.sign_up(reception, person_, actor=ACTOR)
    db.session.refresh(reception)
    assert reception.places_taken == 1


def test_a_rejection_takes_its_delegates_out_of_the_waiting_lists(delegation):
    reception = side_event(delegation.event, capacity=1)
    people = [delegations.add_delegate(delegation, person(n), actor=ACTOR) for n in range(3)]
    received(delegation)
    places = [side_events.sign_up(reception, p, actor=ACTOR) for p in people]
    latvia = delegations.ensure_delegation(delegation.event, make_country("LV").id, None)
    received(latvia)
    latvian = delegations.add_delegate(latvia, person(9, email="p9@example.lv"), actor=ACTOR)
    waiting = side_events.sign_up(reception, latvian, actor=ACTOR)
    assert [p.state for p in (*places, waiting)] == [PlaceState.CONFIRMED] + [
        PlaceState.WAITING] * 3  # fmt: skip
    delegations.reject_delegation(delegation, make_user(), "Not accredited.")
    db.session.commit()
    # Estonia's people leave the line and the place; Latvia's, last in line, is promoted.
    assert [p.state for p in places] == [PlaceState.CANCELLED] * 3
    assert waiting.state == PlaceState.CONFIRMED


def test_a_side_event_fills_then_promotes_in_order(delegation):
    reception = side_event(delegation.event, capacity=2)
    people = [delegations.add_delegate(delegation, person(n), actor=ACTOR) for n in range(5)]
    received(delegation)
    places = [side_events.sign_up(reception, p, actor=ACTOR) for p in people]
    assert [p.state for p in places] == [PlaceState.CONFIRMED] * 2 + [PlaceState.WAITING] * 3
    assert [side_events.waiting_position(p) for p in places[2:]] == [1, 2, 3]
    side_events.cancel_place(places[0], actor=ACTOR)
    db.session.commit()
    assert places[2].state == PlaceState.CONFIRMED and places[3].state == PlaceState.WAITING
    message = db.session.scalar(
        select(OutboxMessage).filter_by(kind="registration.side_event_promoted")
    )
    assert message.recipients == ["person2@example.ee"]
    # Cancelling a delegate frees their place for the next in line too.
    delegations.cancel_delegate(people[1], actor=ACTOR)
    db.session.commit()
    assert places[3].state == PlaceState.CONFIRMED
    db.session.refresh(reception)
    assert reception.places_taken == 2
