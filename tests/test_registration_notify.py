"""The focal point's operations write the registration emails: who receives what, in which
language, once per transaction, and nothing when the change is rolled back."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from plenary.extensions import db
from plenary.models import OutboxMessage, Role
from plenary.registration import delegations
from plenary.registration.models import DelegateRole, DelegationChange, HeadLevel
from tests.factories import make_user
from tests.registration_helpers import invited_state, open_event, person
from tests.test_outbox import use_smtp

ACTOR = "focal point (EE)"


def messages(kind: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == f"registration.{kind}")
            .order_by(OutboxMessage.id)
        )
    )


@pytest.fixture
def delegation(app):
    event = open_event(country_code="CH")
    country, invitations = invited_state(event, languages=("fr", "en"))
    delegation = delegations.ensure_delegation(event, country.id, None)
    delegations.record_intent(
        delegation,
        delegations.Intent(participates=True, head_level=HeadLevel.MINISTER,
                           focal_point_name="Mme Kaja Tamm"),
        actor=ACTOR, addressee_id=invitations[0].addressee_id,
    )  # fmt: skip
    db.session.commit()
    return delegation


def test_submission_sends_one_acknowledgement_to_the_offices_in_their_language(delegation):
    delegations.add_delegate(delegation, person(1, DelegateRole.HEAD), actor=ACTOR)
    delegations.add_delegate(delegation, person(2), actor=ACTOR)
    delegations.submit_delegation(delegation, actor=ACTOR)
    assert messages("acknowledgement") == []  # written at the commit, not before
    db.session.commit()
    [acknowledgement] = messages("acknowledgement")
    assert acknowledgement.recipients == ["ministry@example.ee", "mission@example.ee"]
    assert acknowledgement.language == "fr"
    assert "Inscription reçue" in acknowledgement.subject
    assert "Given1 Family1" in acknowledgement.text_body
    assert "/delegation/" in acknowledgement.text_body


def test_changes_after_submission_are_confirmed_once_and_marked(delegation):
    head = delegations.add_delegate(delegation, person(1, DelegateRole.HEAD), actor=ACTOR)
    delegations.submit_delegation(delegation, actor=ACTOR)
    db.session.commit()
    delegations.update_delegate(head, person(1, DelegateRole.HEAD, function="Minister"),
                                actor=ACTOR)  # fmt: skip
    delegations.add_delegate(delegation, person(2), actor=ACTOR)
    db.session.commit()
    first, again = messages("acknowledgement")
    assert "Inscription reçue" in first.subject
    assert "Modifications reçues" in again.subject
    assert "Given2 Family2" in again.text_body
    changes = db.session.scalars(select(DelegationChange)).all()
    assert changes and all(change.confirmed_at is not None for change in changes)


def test_a_rolled_back_change_sends_nothing(delegation):
    delegations.add_delegate(delegation, person(1, DelegateRole.HEAD), actor=ACTOR)
    delegations.submit_delegation(delegation, actor=ACTOR)
    db.session.rollback()
    db.session.commit()
    assert messages("acknowledgement") == []


def test_a_self_registration_reaches_the_focal_point_and_the_decision_the_person(delegation):
    delegate = delegations.self_register(
        delegation.event, delegation.country_id, person(7, language="es")
    )
    db.session.commit()
    [notice] = messages("self_registration_notice")
    assert notice.recipients == ["ministry@example.ee", "mission@example.ee"]
    assert "Given7 Family7" in notice.text_body and "person7@example.ee" in notice.text_body
    delegations.accept_self_registration(delegate, actor=ACTOR)
    db.session.commit()
    [decision] = messages("self_registration_decision")
    assert decision.recipients == ["person7@example.ee"]
    assert decision.language == "es"
    assert "Incorporación a la delegación" in decision.subject


def test_cancelling_a_submitted_delegation_tells_the_focal_point_and_each_person(delegation):
    delegations.add_delegate(delegation, person(1, DelegateRole.HEAD), actor=ACTOR)
    delegations.add_delegate(delegation, person(2), actor=ACTOR)
    delegations.submit_delegation(delegation, actor=ACTOR)
    db.session.commit()
    delegations.cancel_delegation(delegation, actor=ACTOR, reason="No travel possible")
    db.session.commit()
    sent = messages("cancellation")
    assert sorted(message.recipients[0] for message in sent) == [
        "ministry@example.ee", "person1@example.ee", "person2@example.ee"]  # fmt: skip
    assert all("No travel possible" in message.text_body for message in sent)


def test_the_secretariats_approval_reaches_each_delegate_by_smtp(app, smtp, delegation):
    from tests.test_registration_emails import decode_qr

    use_smtp(app, smtp)
    staff = make_user("staff@example.org", Role.STAFF)
    delegations.add_delegate(delegation, person(1, DelegateRole.HEAD), actor=ACTOR)
    delegations.add_delegate(delegation, person(2, language="zh"), actor=ACTOR)
    delegations.submit_delegation(delegation, actor=ACTOR)
    db.session.commit()
    smtp.wait_for(1)  # the acknowledgement
    smtp.clear()
    approved = delegations.approve_delegation(delegation, staff)
    db.session.commit()
    received = {mail.recipients[0]: mail.message for mail in smtp.wait_for(2)}
    assert set(received) == {"person1@example.ee", "person2@example.ee"}
    chinese = received["person2@example.ee"]
    assert "登记已确认" in chinese["Subject"]
    badge = next(d.badge_number for d in approved if d.email == "person2@example.ee")
    files = {part.get_filename(): part.get_content() for part in chinese.iter_attachments()}
    assert decode_qr(files[f"badge-{badge}.png"]) == badge
    assert f"{delegation.event.slug}.ics" in files
