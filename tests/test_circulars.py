"""The circular: editing, approval, dispatch on the embedded default, follow-up, reminders."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from plenary.extensions import db
from plenary.invitations import operations
from plenary.invitations.models import Circular, CircularState, Invitation
from plenary.models import AuditEntry, OutboxMessage, OutboxState, Role, utcnow
from plenary.registration.models import Delegation, DelegationState
from tests.conftest import submit
from tests.factories import (
    make_addressee,
    make_circular,
    make_country,
    make_event,
    make_user,
    sign_in,
)


@pytest.fixture
def staff(client):
    make_user("staff@example.org", Role.STAFF)
    sign_in(client, "staff@example.org")
    return client


@pytest.fixture
def world(app):
    """Estonia and El Salvador, each with an administration and a mission; the event."""
    event = make_event()
    estonia, salvador = make_country("EE"), make_country("SV")
    addressees = {
        "ee-admin": make_addressee(estonia, "administration", "admin.ee@example.org", "en"),
        "ee-mission": make_addressee(estonia, "mission", "mission.ee@example.org", "ru",
                                     full_name="Mr Jaan Kask", city="Geneva"),
        "sv-admin": make_addressee(salvador, "administration", "admin.sv@example.org", "es",
                                   full_name="Sra. Ana Pérez", city="San Salvador"),
        "sv-mission": make_addressee(salvador, "mission", None, "es", full_name="Sin correo"),
    }  # fmt: skip
    db.session.commit()
    return {"event": event, "EE": estonia, "SV": salvador, **addressees}


def sent_files(app) -> list[email.message.EmailMessage]:
    directory = Path(app.config["MAIL_FILE_DIRECTORY"])
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted(directory.glob("*.eml"))
    ]


def editor_fields(event_id: int, **overrides) -> dict:
    fields = {
        "reference": "CL-26/30",
        "issued_on": "2026-05-04",
        "event_id": str(event_id),
        "contact_name": "Ms Sulyna Nur Abdullah",
        "contact_email": "chief.spm@example.org",
        "signatory_name": "Doreen Bogdan-Martin",
        "audience_kinds": "administration",
        "texts_en-subject": "Global Dialogue on AI Governance",
        "texts_en-body": "I have the honour to inform you.",
    }
    fields.update(overrides)
    return {key: value for key, value in fields.items() if value is not None}


LINK = r"http://plenary\.test/delegation/\S+"


# --- the editor -----------------------------------------------------------------------------


def test_staff_write_a_draft_circular(staff, world):
    russian = {"texts_ru-subject": "Глобальный диалог", "texts_ru-body": "Имею честь."}
    fields = editor_fields(world["event"].id, **russian)
    response = submit(staff, "/secretariat/invitations/circulars/new", **fields)
    assert response.status_code == 302
    circular = db.session.scalar(db.select(Circular).filter_by(reference="CL-26/30"))
    assert circular.state == CircularState.DRAFT
    assert circular.languages == ["en", "ru"]
    assert circular.audience_kinds == ["administration"]
    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "CL-26/30" in page and "Global Dialogue on AI Governance" in page


def test_editor_says_what_is_missing_next_to_the_field_and_saves_nothing(staff, world):
    response = submit(
        staff,
        "/secretariat/invitations/circulars/new",
        **editor_fields(world["event"].id, audience_kinds=None, **{"texts_fr-subject": "Dialogue"}),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert (
        '<p class="error" id="texts_fr-body-error">Write the body, or clear the subject.</p>'
        in page
    )
    assert '<p class="error" id="audience_kinds-error">Choose who the circular goes to.</p>' in page
    assert db.session.scalar(db.select(db.func.count(Circular.id))) == 0


@pytest.mark.parametrize(
    "date,message",
    [("2026-02-30", "Give a date, such as 2026-07-06."), ("", "This field is required.")],
)
def test_a_date_that_does_not_exist_is_said_so(staff, world, date, message):
    fields = editor_fields(world["event"].id, issued_on=date)
    response = submit(staff, "/secretariat/invitations/circulars/new", **fields)
    assert response.status_code == 400
    assert f'<p class="error" id="issued_on-error">{message}</p>' in response.get_data(as_text=True)


def test_two_circulars_cannot_share_a_reference(staff, world):
    make_circular(world["event"], reference="CL-26/30")
    db.session.commit()
    response = submit(
        staff, "/secretariat/invitations/circulars/new", **editor_fields(world["event"].id)
    )
    assert response.status_code == 400
    assert "Another circular has this reference." in response.get_data(as_text=True)


def test_hand_picked_audience_names_unknown_addresses(staff, world):
    response = submit(staff, "/secretariat/invitations/circulars/new", **editor_fields(
        world["event"].id, hand_picked="y", picked_emails="admin.ee@example.org\nnobody@example.org"
    ))  # fmt: skip
    assert "Not in the directory: nobody@example.org" in response.get_data(as_text=True)


def test_annex_editor_refuses_unknown_merge_fields(staff, world):
    circular = make_circular(world["event"])
    db.session.commit()
    url = f"/secretariat/invitations/circulars/{circular.id}/annexes/new"
    response = submit(staff, url, position="2", **{
        "texts_en-title": "Annex 2", "texts_en-body": "Dear {full_name}, {nmae} and {country}",
    })  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Unknown merge field {nmae}." in page
    assert len(circular.annexes) == 1


def test_approval_lists_the_problems_first(app, world):
    circular = make_circular(world["event"])
    annex = circular.annexes[0]
    annex.address_block = {**annex.address_block, "en": "{honorific} {full_nme}"}
    db.session.commit()
    with pytest.raises(operations.CircularNotReady) as refused:
        operations.approve(circular, None, actor="test")
    [problem] = refused.value.problems
    assert "Annex 1, address block (en): unknown merge field {full_nme}" in problem
    assert circular.state == CircularState.DRAFT


def test_a_letter_text_missing_in_one_of_its_languages_stops_the_approval(app, world):
    circular = make_circular(world["event"])
    circular.subject = {**circular.subject, "zh": "人工智能治理全球对话"}
    circular.body = {**circular.body, "zh": "谨通知。"}
    db.session.commit()
    with pytest.raises(operations.CircularNotReady) as refused:
        operations.approve(circular, None, actor="test")
    problems = refused.value.problems
    # Chinese has a subject and a body; its salutation, closing... would come out in English.
    for label in ("Salutation", "Closing", "Signatory's title", "Place"):
        assert f"{label} has no text in: zh." in problems
    assert circular.state == CircularState.DRAFT


def test_approval_problems_are_in_the_interface_s_language(app, world):
    from flask_babel import force_locale

    circular = make_circular(world["event"])
    circular.signatory_name = ""
    db.session.commit()
    with app.test_request_context(), force_locale("fr"):
        problems = operations.readiness_problems(circular)
    assert "La lettre circulaire n'a pas de signataire." in problems


def test_an_approved_circular_is_no_longer_editable(staff, world):
    circular = make_circular(world["event"])
    db.session.commit()
    show = f"/secretariat/invitations/circulars/{circular.id}"
    assert submit(staff, show, f"{show}/approve").status_code == 302
    db.session.refresh(circular)
    assert circular.state == CircularState.APPROVED
    response = staff.get(f"{show}/edit", follow_redirects=True)
    assert "An approved circular can no longer be changed" in response.get_data(as_text=True)
    submit(staff, show, f"{show}/approve")
    page = staff.get(show).get_data(as_text=True)
    assert "CL-26/22 was already approved." in page
    assert (
        db.session.scalar(
            db.select(db.func.count(AuditEntry.id)).filter_by(action="circular.approve")
        )
        == 1
    )


def test_preview_shows_the_exact_email_in_the_addressees_language(staff, world):
    circular = make_circular(world["event"])
    db.session.commit()
    page = staff.get(
        f"/secretariat/invitations/circulars/{circular.id}/preview"
        f"?letter_language=ru&addressee={world['ee-mission'].id}"
    ).get_data(as_text=True)
    assert "CL-26/22: Глобальный диалог по вопросам управления ИИ" in page
    assert "Уважаемая госпожа, уважаемый господин," in page
    assert "mission.ee@example.org" in page


def test_previewing_an_arabic_letter_leaves_the_interface_in_its_language(staff, world):
    circular = make_circular(world["event"])
    db.session.commit()
    preview = f"/secretariat/invitations/circulars/{circular.id}/preview"

    page = staff.get(f"{preview}?letter_language=ar").get_data(as_text=True)
    after = staff.get(f"/secretariat/invitations/circulars/{circular.id}").get_data(as_text=True)

    assert '<html lang="en"' in page and '<html lang="en"' in after
    # The addressees are listed by the State's name: El Salvador before Estonia.
    assert page.index("El Salvador —") < page.index("Estonia —")


# --- dispatch on the embedded default ---------------------------------------------------------


def approve_and_send(circular) -> operations.DispatchResult:
    operations.approve(circular, None, actor="test")
    operations.start_sending(circular, None, actor="test")
    db.session.commit()
    return operations.dispatch(circular.id)


def test_each_addressee_gets_one_email_in_their_language_with_their_own_link(app, world):
    circular = make_circular(world["event"])
    result = approve_and_send(circular)
    assert (result.queued, result.unreachable) == (3, 1)
    messages = {message["To"]: message for message in sent_files(app)}
    assert set(messages) == {
        "admin.ee@example.org",
        "mission.ee@example.org",
        "admin.sv@example.org",
    }
    russian = messages["mission.ee@example.org"]
    # A long subject may be folded right after "Subject:"; readers unfold it.
    assert russian["Subject"].strip().startswith("CL-26/22: Глобальный диалог")
    # Spanish is not written: the Salvadoran administration reads it in English.
    assert (
        messages["admin.sv@example.org"]["Subject"].strip().startswith("CL-26/22: Global Dialogue")
    )
    links = {
        to: re.search(LINK, message.get_body(("plain",)).get_content()).group(0)
        for to, message in messages.items()
    }
    assert len(set(links.values())) == 3
    assert links["mission.ee@example.org"].endswith("?lang=ru")
    for message in messages.values():
        [pdf] = list(message.iter_attachments())
        assert pdf.get_content_type() == "application/pdf"
        assert pdf.get_content().startswith(b"%PDF-")
    db.session.refresh(circular)
    assert circular.state == CircularState.SENT


def test_an_addressee_without_email_is_listed_as_not_reachable(staff, world):
    circular = make_circular(world["event"])
    approve_and_send(circular)
    page = staff.get(
        f"/secretariat/invitations/circulars/{circular.id}?status=unreachable"
    ).get_data(as_text=True)
    assert "not reachable" in page
    assert "Sin correo" in page


def test_sending_twice_sends_nobody_a_second_copy(app, world):
    circular = make_circular(world["event"])
    approve_and_send(circular)
    operations.start_sending(circular, None, actor="test")
    db.session.commit()
    again = operations.dispatch(circular.id)
    assert (again.queued, again.unreachable) == (0, 0)
    assert len(sent_files(app)) == 3
    assert db.session.scalar(db.select(db.func.count(Invitation.id))) == 4


def test_an_addressee_added_after_the_circular_was_written_receives_it(app, world):
    circular = make_circular(world["event"], audience_kinds=["administration"])
    db.session.commit()
    operations.approve(circular, None, actor="test")
    db.session.commit()
    late = make_addressee(make_country("FR"), "administration", "admin.fr@example.org", "fr",
                          full_name="M. Jean Dupont", city="Paris")  # fmt: skip
    operations.start_sending(circular, None, actor="test")
    db.session.commit()
    operations.dispatch(circular.id)
    recipients = {message["To"] for message in sent_files(app)}
    assert recipients == {"admin.ee@example.org", "admin.sv@example.org", "admin.fr@example.org"}
    assert late.id in {
        invitation.addressee_id for invitation in db.session.scalars(db.select(Invitation))
    }


def test_audience_by_region(app, world):
    circular = make_circular(world["event"], audience_kinds=["administration"],
                             audience_regions=["americas"])  # fmt: skip
    approve_and_send(circular)
    assert [message["To"] for message in sent_files(app)] == ["admin.sv@example.org"]


def test_the_send_button_queues_the_circular_and_shows_progress(staff, world, app):
    circular = make_circular(world["event"])
    operations.approve(circular, None, actor="test")
    db.session.commit()
    show = f"/secretariat/invitations/circulars/{circular.id}"
    assert submit(staff, show, f"{show}/send").status_code == 302
    progress = staff.get(f"{show}/progress").get_json()
    assert progress == {
        "state": "sent", "audience": 4, "invited": 4, "queued": 0, "sent": 3, "failed": 0,
        "unreachable": 1, "opened": 0, "answered": 0, "remaining": 0,
    }  # fmt: skip
    again = submit(staff, show, f"{show}/send")
    assert len(sent_files(app)) == 3
    assert "No one has joined the audience since CL-26/22 was sent: nothing to send." in (
        staff.get(again.headers["Location"]).get_data(as_text=True))  # fmt: skip


def test_a_draft_cannot_be_sent(staff, world):
    circular = make_circular(world["event"])
    db.session.commit()
    show = f"/secretariat/invitations/circulars/{circular.id}"
    page = submit(staff, show, f"{show}/send").get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0
    assert "The circular must be approved before it is sent." in staff.get(show).get_data(
        as_text=True
    )
    assert page is not None


# --- the personal link and the answer ---------------------------------------------------------


def personal_link(app, to: str) -> str:
    for message in sent_files(app):
        if message["To"] == to:
            body = message.get_body(("plain",)).get_content()
            return re.search(r"http://plenary\.test(/delegation/\S+)", body).group(1)
    raise AssertionError(f"no email to {to}")


def test_the_personal_link_opens_the_countrys_page_in_the_addressees_language(app, world):
    circular = make_circular(world["event"])
    approve_and_send(circular)
    focal = app.test_client()
    # A person's browser (a scanner's prefetch, without these headers, is not an opening).
    browser = {"Sec-Fetch-Mode": "navigate", "Accept-Language": "ru"}
    page = focal.get(personal_link(app, "mission.ee@example.org"), headers=browser)
    page = page.get_data(as_text=True)
    assert '<html lang="ru"' in page
    assert "<h1>Эстония</h1>" in page
    assert "Сальвадор" not in page
    invitation = db.session.scalar(
        db.select(Invitation).filter_by(addressee_id=world["ee-mission"].id)
    )
    db.session.refresh(invitation)
    assert invitation.open_count == 1 and invitation.first_opened_at is not None


def test_the_focal_point_answers_and_the_secretariat_sees_it(app, world, staff):
    circular = make_circular(world["event"])
    approve_and_send(circular)
    focal = app.test_client()
    link = personal_link(app, "admin.ee@example.org")
    focal.get(link, headers={"Sec-Fetch-Mode": "navigate", "Accept-Language": "en"})
    refused = submit(focal, link, participation="yes")
    assert refused.status_code == 400
    assert "Choose the expected level." in refused.get_data(as_text=True)
    response = submit(
        focal, link, participation="yes", head_level="minister",
        focal_point_name="Kaja Tamm", focal_point_email="kaja.tamm@example.org",
    )  # fmt: skip
    assert response.status_code == 302
    delegation = db.session.scalar(db.select(Delegation).filter_by(country_id=world["EE"].id))
    assert delegation.participates is True and delegation.state == DelegationState.DRAFT
    assert delegation.focal_point_email == "kaja.tamm@example.org"
    progress = staff.get(f"/secretariat/invitations/circulars/{circular.id}/progress").get_json()
    # Both Estonian invitations count as answered: the answer is the State's.
    assert progress["answered"] == 2 and progress["opened"] == 1
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="delegation.answer"))
    assert entry.actor == "focal point (EE)"


def test_a_declining_state_is_recorded(app, world):
    circular = make_circular(world["event"])
    approve_and_send(circular)
    submit(app.test_client(), personal_link(app, "admin.sv@example.org"), participation="no")
    delegation = db.session.scalar(db.select(Delegation).filter_by(country_id=world["SV"].id))
    assert delegation.participates is False


def test_a_forged_or_foreign_link_opens_nothing(app, world):
    from plenary.links import make_token

    client = app.test_client()
    assert client.get("/delegation/not-a-token").status_code == 404
    other_purpose = make_token("account-password", {"user": 1})
    assert client.get(f"/delegation/{other_purpose}").status_code == 404


# --- reminders --------------------------------------------------------------------------------


def test_the_automatic_reminder_goes_once_to_those_who_have_not_answered(app, world):
    world["event"].registration_closes_at = utcnow() + timedelta(days=3)
    circular = make_circular(world["event"])
    approve_and_send(circular)
    submit(app.test_client(), personal_link(app, "admin.sv@example.org"), participation="no")
    assert operations.send_automatic_reminders() == 2  # the two Estonian addressees
    assert operations.send_automatic_reminders() == 0
    reminders = db.session.scalars(
        db.select(OutboxMessage).filter_by(kind="invitations.reminder")
    ).all()
    assert sorted(message.recipients[0] for message in reminders) == [
        "admin.ee@example.org", "mission.ee@example.org",
    ]  # fmt: skip
    assert all(message.state == OutboxState.SENT for message in reminders)
    russian = next(m for m in reminders if m.recipients == ["mission.ee@example.org"])
    assert russian.subject.startswith("Напоминание – CL-26/22: Глобальный диалог")


def test_no_automatic_reminder_long_before_the_deadline(app, world):
    world["event"].registration_closes_at = utcnow() + timedelta(days=30)
    circular = make_circular(world["event"])
    approve_and_send(circular)
    assert operations.send_automatic_reminders() == 0


def test_staff_remind_by_hand_those_who_have_not_opened_their_link(staff, app, world):
    circular = make_circular(world["event"])
    approve_and_send(circular)
    # A person opens it (a browser's navigation, not a mail scanner's fetch).
    app.test_client().get(
        personal_link(app, "admin.ee@example.org"),
        headers={"Sec-Fetch-Mode": "navigate", "Accept-Language": "en"},
    )
    show = f"/secretariat/invitations/circulars/{circular.id}"
    response = submit(staff, show, f"{show}/remind", status="not_opened")
    assert response.status_code == 302
    reminded = db.session.scalars(
        db.select(OutboxMessage).filter_by(kind="invitations.reminder")
    ).all()
    assert sorted(message.recipients[0] for message in reminded) == [
        "admin.sv@example.org", "mission.ee@example.org",
    ]  # fmt: skip


# --- the command line and the demo ------------------------------------------------------------


def test_approve_and_send_from_the_command_line(app, world):
    make_circular(world["event"])
    db.session.commit()
    runner = app.test_cli_runner()
    approved = runner.invoke(args=["invitations", "approve", "CL-26/22"])
    assert approved.exit_code == 0 and "CL-26/22 approved." in approved.output
    again = runner.invoke(args=["invitations", "approve", "CL-26/22"])
    assert again.exit_code == 0 and "CL-26/22 was already approved." in again.output
    sent = runner.invoke(args=["invitations", "send", "CL-26/22", "--yes"])
    assert sent.exit_code == 0, sent.output
    assert "3 emails queued, 1 addressees not reachable" in sent.output
    assert len(sent_files(app)) == 3
    twice = runner.invoke(args=["invitations", "send", "CL-26/22", "--yes"])
    assert "0 emails queued" in twice.output
    assert len(sent_files(app)) == 3


def test_a_draft_with_problems_is_not_approved_from_the_command_line(app, world):
    circular = make_circular(world["event"])
    annex = circular.annexes[0]
    annex.body = {**annex.body, "en": "Dear {fullname},"}
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["invitations", "approve", "CL-26/22"])
    assert result.exit_code != 0
    assert "unknown merge field {fullname}" in result.output
    assert "CL-26/22 cannot be approved yet" in result.output


def test_unknown_reference_is_reported(app):
    result = app.test_cli_runner().invoke(args=["invitations", "send", "CL-99/99", "--yes"])
    assert result.exit_code != 0 and "no circular CL-99/99" in result.output


def test_the_demo_seeds_cl_26_22_ready_to_approve(app):
    from plenary.seed import seed_demo

    seed_demo()
    circular = operations.find_circular("CL-26/22")
    assert circular.state == CircularState.DRAFT
    assert circular.languages == ["ar", "zh", "en", "fr", "ru", "es"]
    assert circular.audience_kinds == ["administration", "mission"]
    assert len(circular.annexes) == 1
    assert operations.readiness_problems(circular) == []
    assert operations.progress(circular).audience == 386
    assert any(line.startswith("circular: CL-26/22 already there") for line in seed_demo())


def test_on_the_embedded_default_the_send_button_answers_while_a_thread_sends(tmp_path):
    from plenary import create_app, jobs
    from tests.conftest import RequestClient, base_settings

    app = create_app(base_settings(tmp_path, PLENARY_ENV="development"))
    app.test_client_class = RequestClient
    with app.app_context():
        db.create_all()
        event = make_event()
        estonia = make_country("EE")
        for index in range(3):
            make_addressee(estonia, "mission", f"m{index}@example.org", full_name=f"M {index}")
        circular = make_circular(event)
        operations.approve(circular, None, actor="test")
        make_user("staff@example.org", Role.STAFF)
        db.session.commit()
        client = app.test_client()
        sign_in(client, "staff@example.org")
        show = f"/secretariat/invitations/circulars/{circular.id}"
        assert submit(client, show, f"{show}/send").status_code == 302
        jobs.wait_for_background_tasks()
        progress = client.get(f"{show}/progress").get_json()
        assert (progress["state"], progress["sent"], progress["remaining"]) == ("sent", 3, 0)
        assert len(sent_files(app)) == 3
        db.session.remove()


def test_a_circular_is_spread_out_to_the_configured_rate(app, world):
    app.config["INVITATIONS_SEND_RATE"] = 2
    circular = make_circular(world["event"])
    approve_and_send(circular)
    times = sorted(
        message.next_attempt_at
        for message in db.session.scalars(
            db.select(OutboxMessage).filter_by(kind="invitations.circular")
        )
    )
    gaps = [(later - earlier).total_seconds() for earlier, later in pairwise(times)]
    assert gaps == [pytest.approx(0.5, abs=0.05)] * 2


def test_a_dispatch_cut_short_is_resumed_without_sending_anyone_twice(app, world):
    circular = make_circular(world["event"])
    operations.approve(circular, None, actor="test")
    operations.start_sending(circular, None, actor="test")
    db.session.commit()

    def crash(count: int) -> None:
        raise SystemExit("the worker died")

    with pytest.raises(SystemExit):
        operations.dispatch(circular.id, batch_size=1, progress=crash)
    db.session.rollback()
    assert len(sent_files(app)) == 1
    assert db.session.get(Circular, circular.id).state == CircularState.SENDING

    resumed = app.extensions["celery"].tasks["invitations.resume_dispatch"].apply().get()
    assert resumed == {"resumed": 1}
    assert sorted(message["To"] for message in sent_files(app)) == [
        "admin.ee@example.org", "admin.sv@example.org", "mission.ee@example.org",
    ]  # fmt: skip
    db.session.expire_all()
    assert db.session.get(Circular, circular.id).state == CircularState.SENT


def test_preview_gives_the_personalised_pdf_letter(staff, world):
    import io

    from pypdf import PdfReader

    circular = make_circular(world["event"])
    db.session.commit()
    response = staff.get(
        f"/secretariat/invitations/circulars/{circular.id}/preview"
        f"?letter_language=ru&addressee={world['ee-mission'].id}&format=pdf"
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert 'filename="CL-26-22-ru.pdf"' in response.headers["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Mr Jaan Kask" in text and "Эстония" in text
