"""The Secretariat's review: queue and filters, decisions with reasons, changes kept,
speakers list, exports, reminders; staff only."""

from __future__ import annotations

import csv
import io
import re
import urllib.parse
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event as sql_event
from sqlalchemy import func, select

from plenary.extensions import db
from plenary.models import AuditEntry, OutboxMessage, Role, utcnow
from plenary.registration import delegations, reminders, speakers
from plenary.registration.errors import DelegationFull, NotAllowedNow
from plenary.registration.models import (
    Delegate,
    DelegateState,
    Delegation,
    DelegationChange,
    DelegationState,
    HeadLevel,
)
from plenary.registration.review_models import DelegationReminder, SpeakerMove
from tests.conftest import csrf_token, submit
from tests.factories import make_country, make_event, make_user, sign_in


def make_delegation(event, country, *, state=DelegationState.SUBMITTED, level="minister",
                    speaking=False, requested_at=None, **fields) -> Delegation:  # fmt: skip
    delegation = Delegation(
        event=event, country=country, participates=True, head_level=HeadLevel(level),
        state=state, speaking_request=speaking, speaking_requested_at=requested_at,
        focal_point_name="Ms Kaja Tamm", focal_point_email=f"fp@{country.code.lower()}.example",
        submitted_at=utcnow() if state != DelegationState.DRAFT else None, **fields,
    )  # fmt: skip
    db.session.add(delegation)
    db.session.flush()
    return delegation


def make_delegate(delegation, name="Mets", *, role="member", state=DelegateState.PENDING,
                  **fields) -> Delegate:  # fmt: skip
    delegate = Delegate(
        delegation=delegation, event_id=delegation.event_id, honorific="Ms",
        given_name=fields.pop("given_name", "Mari"),
        family_name=name, email=fields.pop("email", f"{name.lower()}@example.org"), role=role,
        state=state, language=fields.pop("language", "en"),
        days=fields.pop("days", ["2026-07-06"]), **fields,
    )  # fmt: skip
    db.session.add(delegate)
    if state in (DelegateState.PENDING, DelegateState.APPROVED):
        delegation.delegate_count += 1
    db.session.flush()
    return delegate


@pytest.fixture
def staff(app, client):
    user = make_user("staff@example.org", Role.STAFF)
    sign_in(client, "staff@example.org")
    return user


@pytest.fixture
def world(app):
    event = make_event(max_delegation_size=3, country_code="CH")
    estonia = make_delegation(event, make_country("EE"), level="minister")
    kenya = make_delegation(event, make_country("KE"), level="head_of_state",
                            state=DelegationState.DRAFT)  # fmt: skip
    head = make_delegate(estonia, "Tamm", role="head")
    member = make_delegate(estonia, "Mets")
    db.session.commit()
    return type("World", (), {"event": event, "estonia": estonia, "kenya": kenya, "head": head,
                              "member": member})  # fmt: skip


def queue_url(world, **args):
    query = "&".join(f"{key}={value}" for key, value in args.items())
    return f"/secretariat/events/{world.event.id}/delegations" + (f"?{query}" if query else "")


def test_the_review_is_for_staff_only(client, world):
    response = client.get(queue_url(world))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for path in (f"/secretariat/events/{world.event.id}/speakers",
                 f"/secretariat/events/{world.event.id}/exports/delegates.csv"):  # fmt: skip
        assert client.get(path).status_code == 302
    approve = f"/secretariat/events/{world.event.id}/delegations/{world.estonia.id}/approve"
    assert client.post(approve).status_code in (302, 400)
    db.session.refresh(world.estonia)
    assert world.estonia.state == DelegationState.SUBMITTED


def test_the_queue_filters_by_region_state_and_level_with_counts(client, staff, world):
    page = client.get(queue_url(world)).get_data(as_text=True)
    assert "Estonia" in page and "Kenya" in page
    assert "submitted (1)" in " ".join(page.split())
    assert "draft (1)" in " ".join(page.split())
    page = client.get(queue_url(world, region="africa")).get_data(as_text=True)
    assert "Kenya" in page and "Estonia" not in page
    page = client.get(queue_url(world, state="submitted")).get_data(as_text=True)
    assert "Estonia" in page and "Kenya" not in page
    page = client.get(queue_url(world, level="head_of_state")).get_data(as_text=True)
    assert "Kenya" in page and "Estonia" not in page
    page = client.get(queue_url(world, country="ee")).get_data(as_text=True)
    assert "Estonia" in page and "Kenya" not in page
    assert "Delegates waiting for review: 2" in page


@pytest.mark.parametrize(
    "search,found",
    [("Estonia", "EE"), ("estonie", "EE"), ("Эстония", "EE"), ("ke", "KE"), ("METS@", "EE"),
     ("mets", "EE"), ("%", ""), ("_", "")],
)  # fmt: skip
def test_the_queue_finds_a_state_by_its_name_in_any_language(client, staff, world,
                                                             search, found):  # fmt: skip
    page = client.get(queue_url(world, q=urllib.parse.quote(search))).get_data(as_text=True)
    shown = {code for code, name in (("EE", "Estonia"), ("KE", "Kenya")) if name in page}
    assert shown == ({found} if found else set())


@pytest.mark.parametrize(
    "query",
    [
        "state=%00",
        "level=x" * 300,
        "page=99999999999999999999",
        "page=-3",
        "region=<script>",
        "country=%C3%A9%C3%A9",
        "q=%25",
    ],
)
def test_odd_filters_never_break_the_queue(client, staff, world, query):  # fmt: skip
    response = client.get(queue_url(world) + "?" + query)
    assert response.status_code in (200, 400)


def test_another_events_delegation_is_not_found(client, staff, world):
    other = make_event(slug="other")
    db.session.commit()
    assert client.get(f"/secretariat/events/{other.id}/delegations/{world.estonia.id}"
                      ).status_code == 404  # fmt: skip
    assert client.get(f"/secretariat/events/{other.id}/delegates/{world.head.id}/edit"
                      ).status_code == 404  # fmt: skip


def test_approving_a_delegation_confirms_its_pending_delegates_with_badges(client, staff, world):
    page = f"/secretariat/events/{world.event.id}/delegations/{world.estonia.id}"
    response = submit(client, page, f"{page}/approve")
    assert response.status_code == 302
    db.session.refresh(world.estonia)
    assert world.estonia.state == DelegationState.APPROVED
    assert world.estonia.decided_by_id == staff.id
    for delegate in (world.head, world.member):
        db.session.refresh(delegate)
        assert delegate.state == DelegateState.APPROVED
        assert delegate.badge_number == f"{world.event.id:03d}-{delegate.id:06d}"
    confirmations = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "registration.confirmation")
    ).all()
    assert sorted(message.recipients[0] for message in confirmations) == [
        "mets@example.org", "tamm@example.org"]  # fmt: skip
    assert {attachment.content_type for attachment in confirmations[0].attachments} == {
        "image/png", "text/calendar"}  # fmt: skip
    assert world.estonia.delegate_count == 2
    assert "The delegation is approved" in client.get(page).get_data(as_text=True)


def test_a_rejection_without_a_reason_is_refused_next_to_the_field(client, staff, world):
    page = f"/secretariat/events/{world.event.id}/delegations/{world.estonia.id}"
    response = submit(client, page, f"{page}/reject", reason="  ")
    assert response.status_code == 400
    assert 'id="reason-error"' in response.get_data(as_text=True)
    db.session.refresh(world.estonia)
    assert world.estonia.state == DelegationState.SUBMITTED
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_a_rejected_delegation_tells_its_focal_point_why(client, staff, world):
    page = f"/secretariat/events/{world.event.id}/delegations/{world.estonia.id}"
    submit(client, page, f"{page}/reject", reason="The note verbale is not signed.")
    db.session.refresh(world.estonia)
    assert world.estonia.state == DelegationState.REJECTED
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.recipients == ["fp@ee.example"]
    assert "The note verbale is not signed." in message.text_body
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "delegation.reject")
                               ).one()  # fmt: skip
    assert (entry.user_id, entry.details["reason"]) == (staff.id, "The note verbale is not signed.")
    history = client.get(page).get_data(as_text=True)
    assert "delegation.reject" in history and "The note verbale is not signed." in history


def test_a_delegations_history_shows_its_own_entries_only(client, staff, world):
    # Ids of one kind of record meet ids of the other: Kenya's delegation and Estonia's member.
    from plenary import audit

    kenyan = make_delegate(world.kenya, "Otieno")
    audit.record("delegation.submit", world.estonia, actor="focal point (EE)")
    audit.record("delegate.add", world.member, actor="focal point (EE)")
    audit.record("delegation.submit", world.kenya, actor="focal point (KE)")
    audit.record("delegate.add", kenyan, actor="focal point (KE) for Otieno")
    db.session.commit()
    assert world.kenya.id == world.member.id
    page = client.get(f"/secretariat/events/{world.event.id}/delegations/{world.estonia.id}")
    history = page.get_data(as_text=True).split(">History<", 1)[1]
    assert history.count("focal point (EE)") == 2
    assert "focal point (KE)" not in history


def test_a_rejected_delegate_frees_a_place_and_hears_why(app, staff, world):
    delegations.reject_delegate(world.member, staff, "Not a member of the government.")
    db.session.commit()
    db.session.refresh(world.estonia)
    assert world.estonia.delegate_count == 1
    [rejection] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "registration.rejection")
    ).all()
    assert rejection.recipients == ["mets@example.org", "fp@ee.example"]
    assert "Not a member of the government." in rejection.text_body
    # Two others take the places left; the rejected delegate cannot come back past the limit.
    make_delegate(world.estonia, "Kask")
    make_delegate(world.estonia, "Saar")
    db.session.commit()
    with pytest.raises(DelegationFull, match="Mari Mets cannot be registered again"):
        delegations.approve_delegate(world.member, staff)
    db.session.rollback()
    db.session.refresh(world.member)
    assert world.member.state == DelegateState.REJECTED


def test_the_secretariat_reverses_a_rejection(client, staff, world):
    page = f"/secretariat/events/{world.event.id}/delegations/{world.estonia.id}"
    delegations.reject_delegate(world.member, staff, "Not a member of the government.")
    db.session.commit()
    submit(client, page, f"{page}/reject", reason="The note verbale is not signed.")
    db.session.refresh(world.estonia)
    assert world.estonia.delegate_count == 0
    # The State cannot undo the decision from its page.
    with pytest.raises(NotAllowedNow):
        delegations.cancel_delegation(world.estonia, actor="focal point (EE)")
    db.session.rollback()
    # Approving the delegation brings back whom its rejection rejected, not the member
    # rejected on their own before it.
    assert submit(client, page, f"{page}/approve").status_code == 302
    db.session.refresh(world.estonia)
    db.session.refresh(world.head)
    db.session.refresh(world.member)
    assert world.estonia.state == DelegationState.APPROVED
    assert (world.head.state, world.member.state) == (DelegateState.APPROVED,
                                                      DelegateState.REJECTED)  # fmt: skip
    assert world.estonia.delegate_count == 1
    # The member can then be approved on their own, within the limit.
    assert submit(client, page, f"{page.rsplit('/delegations', 1)[0]}/delegates/"
                  f"{world.member.id}/approve").status_code == 302  # fmt: skip
    db.session.refresh(world.member)
    db.session.refresh(world.estonia)
    assert world.member.state == DelegateState.APPROVED and world.member.badge_number
    assert world.estonia.delegate_count == 2


def test_a_change_by_the_secretariat_is_kept_with_old_and_new_values(client, staff, world):
    page = f"/secretariat/events/{world.event.id}/delegates/{world.member.id}/edit"
    response = submit(client, page, given_name="Maria", family_name="Mets",
                      email="maria.mets@example.org", language="fr", role="adviser",
                      attendance="online", passport_number="K7654321",
                      date_of_birth="1980-03-09",
                      reason="Asked by the mission by phone")  # fmt: skip
    errors = re.findall(r'class="error"[^>]*>([^<]*)', response.get_data(as_text=True))
    assert response.status_code == 302, errors
    db.session.refresh(world.member)
    assert (world.member.given_name, world.member.role.value) == ("Maria", "adviser")
    assert (world.member.passport_number, world.member.date_of_birth) == (
        "K7654321", datetime(1980, 3, 9).date())  # fmt: skip
    # The passport's details are said to have changed, never written in the records.
    for record in (*db.session.scalars(select(DelegationChange)),
                   *db.session.scalars(select(AuditEntry))):  # fmt: skip
        assert "K7654321" not in str(record.details)
    change = db.session.scalars(select(DelegationChange)).all()[-1]
    assert change.what == "secretariat.edit" and change.user_id == staff.id
    assert change.details["fields"]["given_name"] == ["Mari", "Maria"]
    assert change.details["reason"] == "Asked by the mission by phone"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "delegate.edit")
                               ).one()  # fmt: skip
    assert entry.details["fields"]["email"] == ["mets@example.org", "maria.mets@example.org"]
    history = client.get(f"/secretariat/events/{world.event.id}/delegations/{world.estonia.id}")
    assert "Asked by the mission by phone" in history.get_data(as_text=True)


def test_an_email_already_registered_is_refused_next_to_the_field(client, staff, world):
    page = f"/secretariat/events/{world.event.id}/delegates/{world.member.id}/edit"
    response = submit(client, page, given_name="Mari", family_name="Mets",
                      email="tamm@example.org", language="en", role="member",
                      attendance="in_person", reason="typo")  # fmt: skip
    assert response.status_code == 400
    assert 'id="email-error"' in response.get_data(as_text=True)
    db.session.refresh(world.member)
    assert world.member.email == "mets@example.org"
    assert db.session.scalar(select(func.count(DelegationChange.id))) == 0


def test_a_change_without_a_reason_saves_nothing(client, staff, world):
    page = f"/secretariat/events/{world.event.id}/delegates/{world.member.id}/edit"
    response = submit(client, page, given_name="Other", family_name="Mets",
                      email="mets@example.org", language="en", role="member",
                      attendance="in_person", reason="")  # fmt: skip
    assert response.status_code == 400
    db.session.refresh(world.member)
    assert world.member.given_name == "Mari"


def test_speakers_come_by_level_then_date_and_a_move_keeps_its_reason(app, staff):
    event = make_event()
    day = datetime(2026, 5, 1, tzinfo=UTC)
    minister = make_delegation(event, make_country("EE"), level="minister", speaking=True,
                               requested_at=day)  # fmt: skip
    president_late = make_delegation(
        event,
        make_country("KE"),
        level="head_of_state",
        speaking=True,
        requested_at=day + timedelta(days=2),
    )
    president_early = make_delegation(
        event,
        make_country("FR"),
        level="head_of_state",
        speaking=True,
        requested_at=day + timedelta(days=1),
    )
    make_delegation(event, make_country("DE"), level="head_of_government")  # did not ask
    make_delegation(event, make_country("BR"), level="head_of_state", speaking=True,
                    requested_at=day, state=DelegationState.CANCELLED)  # fmt: skip
    db.session.commit()
    order = [speaker.delegation.id for speaker in speakers.speakers(event)]
    assert order == [president_early.id, president_late.id, minister.id]

    with pytest.raises(speakers.MoveRefused):
        speakers.move_speaker(event, minister.id, 1, " ", staff)
    speakers.move_speaker(event, minister.id, 1, "Opening statement as co-chair", staff)
    db.session.commit()
    listed = speakers.speakers(event)
    assert [speaker.delegation.id for speaker in listed] == [
        minister.id, president_early.id, president_late.id]  # fmt: skip
    assert listed[0].reason == "Opening statement as co-chair"
    [move] = db.session.scalars(select(SpeakerMove)).all()
    assert (move.from_position, move.to_position, move.user_id) == (3, 1, staff.id)

    late = make_delegation(event, make_country("JP"), level="head_of_state", speaking=True,
                           requested_at=day)  # fmt: skip
    db.session.commit()
    assert speakers.speakers(event)[-1].delegation.id == late.id


def test_the_speakers_page_moves_a_speaker(client, staff):
    event = make_event()
    first = make_delegation(event, make_country("FR"), level="head_of_state", speaking=True)
    second = make_delegation(event, make_country("EE"), level="minister", speaking=True)
    db.session.commit()
    page = f"/secretariat/events/{event.id}/speakers"
    token = csrf_token(client, page)
    response = client.post(
        f"{page}/{second.id}/move", data={"csrf_token": token, "position": "1", "reason": "Host"}
    )
    assert response.status_code == 302
    listed = client.get(page).get_data(as_text=True)
    assert listed.index("Estonia") < listed.index("France")
    assert "Host" in listed
    response = client.post(
        f"{page}/{first.id}/move", data={"csrf_token": token, "position": "abc", "reason": "x"}
    )
    assert response.status_code == 302  # refused with a message, nothing moved
    assert speakers.speakers(event)[0].delegation.id == second.id


def test_the_side_events_export_lists_places_then_the_line_in_turn(client, staff, world):
    from plenary.registration import side_events
    from tests.registration_helpers import side_event

    reception = side_event(world.event, capacity=1)
    third = make_delegate(world.estonia, "Kask", given_name="=cmd|' /C calc'!A0")
    for person in (world.member, world.head, third):
        side_events.sign_up(reception, person, actor="t")
    side_events.cancel_place(side_events.places_of([world.head])[(reception.id, world.head.id)],
                             actor="t")  # fmt: skip
    # A second reception of the same title has its own line.
    second = side_event(world.event, capacity=1)
    second.starts_at += timedelta(hours=3)
    second.ends_at += timedelta(hours=3)
    for person in (world.member, third):
        side_events.sign_up(second, person, actor="t")
    db.session.commit()
    base = f"/secretariat/events/{world.event.id}/exports"
    assert "side_events.csv" in client.get(queue_url(world)).get_data(as_text=True)
    response = client.get(f"{base}/side_events.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [(r["family_name"], r["place"], r["waiting_position"]) for r in rows] == [
        ("Mets", "confirmed", ""), ("Kask", "waiting", "1")] * 2  # fmt: skip
    assert rows[0]["side_event"] == "Networking reception" and rows[0]["code"] == "EE"
    assert rows[1]["given_name"].startswith("'=")  # formula-safe
    sheet = load_workbook(io.BytesIO(client.get(f"{base}/side_events.xlsx").get_data())).active
    assert sheet.max_row == 5


def test_exports_are_formula_safe_in_csv_and_xlsx(client, staff, world):
    world.member.given_name = '=HYPERLINK("http://evil.example")'
    world.member.function = "+1+1"
    db.session.commit()
    base = f"/secretariat/events/{world.event.id}/exports"
    response = client.get(f"{base}/delegates.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    mets = next(row for row in rows if row["family_name"] == "Mets")
    assert mets["given_name"] == '\'=HYPERLINK("http://evil.example")'
    assert mets["function"] == "'+1+1"
    assert mets["code"] == "EE"
    response = client.get(f"{base}/delegates.xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = [cell for row in sheet.iter_rows() for cell in row]
    formula = next(cell for cell in values if str(cell.value).startswith("=HYPERLINK"))
    assert formula.data_type == "s" and formula.quotePrefix
    for kind in ("delegations", "speakers"):
        for file_format in ("csv", "xlsx"):
            assert client.get(f"{base}/{kind}.{file_format}").status_code == 200
    assert client.get(f"{base}/passwords.csv").status_code == 404
    assert client.get(f"{base}/delegates.exe").status_code == 404


def test_the_reminder_job_reminds_incomplete_delegations_once_per_interval(app, world):
    world.event.registration_closes_at = utcnow() + timedelta(days=10)
    db.session.commit()
    due = {delegation.id: [str(item) for item in missing]
           for delegation, missing in reminders.due_reminders()}  # fmt: skip
    assert set(due) == {world.estonia.id, world.kenya.id}
    assert "the note verbale" in due[world.estonia.id]
    assert "the delegates" in due[world.kenya.id]
    assert "the submission of the delegation" in due[world.kenya.id]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["registration", "remind-incomplete"])
    assert result.exit_code == 0, result.output
    assert "2 reminders queued." in result.output
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "registration.incomplete_reminder")
    ).all()
    assert sorted(message.recipients[0] for message in messages) == [
        "fp@ee.example", "fp@ke.example"]  # fmt: skip
    assert reminders.remind_due() == 0  # not again within the interval
    assert reminders.remind_due(now=utcnow() + timedelta(days=8)) == 2  # a week later, again
    assert db.session.scalar(select(func.count(DelegationReminder.id))) == 4


def test_no_reminder_once_registration_has_closed(app, world):
    world.event.registration_closes_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert reminders.due_reminders() == []


def test_bulk_reminders_go_to_the_incomplete_delegations_shown(client, staff, world):
    world.event.registration_closes_at = utcnow() + timedelta(days=10)
    db.session.commit()
    page = queue_url(world, region="africa")
    response = submit(client, page, f"/secretariat/events/{world.event.id}/reminders",
                      region="africa")  # fmt: skip
    assert response.status_code == 302
    [reminder] = db.session.scalars(select(DelegationReminder)).all()
    assert reminder.delegation_id == world.kenya.id
    assert reminder.actor == "staff@example.org"
    # Clicked again, or the delegation's own button: the focal point is not reminded twice.
    again = submit(client, page, f"/secretariat/events/{world.event.id}/reminders",
                   region="africa")  # fmt: skip
    own = f"/secretariat/events/{world.event.id}/delegations/{world.kenya.id}"
    alone = submit(client, own, f"{own}/remind")
    assert (again.status_code, alone.status_code) == (302, 302)
    assert len(db.session.scalars(select(DelegationReminder)).all()) == 1
    shown = client.get(own).get_data(as_text=True)
    assert "A reminder went to this delegation less than an hour ago." in shown
    # An hour later it may go again.
    reminder.sent_at = utcnow() - timedelta(hours=1, minutes=1)
    db.session.commit()
    submit(client, own, f"{own}/remind")
    assert len(db.session.scalars(select(DelegationReminder)).all()) == 2


def test_the_queue_costs_the_same_queries_for_more_delegations(client, staff, world):
    statements: list[str] = []
    sql_event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    client.get(queue_url(world))
    few = len(statements)
    for code in ("FR", "DE", "JP", "BR", "IN", "CN"):
        delegation = make_delegation(world.event, make_country(code))
        make_delegate(delegation, f"N{code}", role="head")
    db.session.commit()
    statements.clear()
    page = client.get(queue_url(world)).get_data(as_text=True)
    assert "Japan" in page
    assert len(statements) == few


def test_an_approved_delegate_receives_badge_qr_calendar_and_visa_letter_by_smtp(
    app, client, staff, world, smtp
):
    from icalendar import Calendar
    from pypdf import PdfReader

    from tests.test_outbox import use_smtp
    from tests.test_registration_emails import decode_qr

    use_smtp(app, smtp)
    world.member.visa_letter_needed = True
    world.member.language = "ru"
    db.session.commit()
    base = f"/secretariat/events/{world.event.id}"
    submit(client, f"{base}/delegations/{world.estonia.id}",
           f"{base}/delegates/{world.member.id}/approve")  # fmt: skip
    db.session.refresh(world.member)
    badge = world.member.badge_number
    assert badge
    [received] = smtp.wait_for(1)
    message = received.message
    assert received.recipients == ["mets@example.org"]
    assert badge in message["Subject"] and "Регистрация подтверждена" in message["Subject"]
    files = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert decode_qr(files[f"badge-{badge}.png"]) == badge
    ics = files["dialogue.ics"]
    [entry] = Calendar.from_ical(ics if isinstance(ics, bytes) else ics.encode()).walk("VEVENT")
    assert str(entry.decoded("dtstart")) == "2026-07-06"
    visa = PdfReader(io.BytesIO(files[f"visa-support-letter-{badge}.pdf"]))
    russian, english = (" ".join(page.extract_text().split()) for page in visa.pages)
    assert "Посольство или консульство – Швейцария" in russian
    assert "Mari Mets" in english and badge in english


def test_staff_download_the_note_verbale_photo_and_visa_letter(client, staff, world):
    from pypdf import PdfReader

    from plenary.registration.models import StoredFile

    base = f"/secretariat/events/{world.event.id}"
    assert client.get(f"{base}/delegations/{world.estonia.id}/note-verbale").status_code == 404
    pdf = b"%PDF-1.4 note verbale"
    world.estonia.note_verbale = StoredFile(filename="note.pdf", content_type="application/pdf",
                                            size=len(pdf), sha256="a" * 64, data=pdf)  # fmt: skip
    world.member.visa_letter_needed = True
    db.session.commit()
    response = client.get(f"{base}/delegations/{world.estonia.id}/note-verbale")
    assert response.get_data() == pdf
    assert response.headers["Content-Disposition"].startswith("attachment")
    visa = f"{base}/delegates/{world.member.id}/visa-letter.pdf"
    assert client.get(visa).status_code == 404  # not approved yet
    delegations.approve_delegate(world.member, staff)
    db.session.commit()
    letter = PdfReader(io.BytesIO(client.get(visa).get_data()))
    assert "Switzerland" in letter.pages[0].extract_text()
    assert client.get(f"{base}/delegates/{world.member.id}/photo").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/secretariat/")})
    assert client.get(visa).status_code == 302  # signed out: to the sign-in page


@pytest.mark.postgres
def test_the_review_works_on_postgresql(tmp_path, postgres_url):
    from flask_migrate import upgrade

    from plenary import create_app
    from tests.conftest import RequestClient, base_settings

    app = create_app(base_settings(tmp_path, DATABASE_URL=postgres_url))
    app.test_client_class = RequestClient
    with app.app_context():
        upgrade()
        event = make_event()
        estonia = make_delegation(event, make_country("EE"), level="minister", speaking=True)
        kenya = make_delegation(event, make_country("KE"), level="head_of_state", speaking=True)
        make_delegate(estonia, "Tamm", role="head", given_name="=1+2")
        user = make_user("staff@example.org", Role.STAFF)
        client = app.test_client()
        sign_in(client, "staff@example.org")
        base = f"/secretariat/events/{event.id}"
        page = client.get(f"{base}/delegations?region=europe&level=minister&q=tamm")
        assert "Estonia" in page.get_data(as_text=True) and "Kenya" not in page.get_data(
            as_text=True
        )
        speakers.move_speaker(event, estonia.id, 1, "Host country", user)
        db.session.commit()
        assert [s.delegation.id for s in speakers.speakers(event)] == [estonia.id, kenya.id]
        exported = client.get(f"{base}/exports/delegates.csv").get_data().decode("utf-8-sig")
        assert "'=1+2" in exported
        assert client.get(f"{base}/exports/speakers.xlsx").status_code == 200
        assert client.get(f"{base}/exports/side_events.csv").status_code == 200
        # Bulk reminders lock the delegations they remind, in one statement, then remind.
        assert submit(client, f"{base}/delegations", f"{base}/reminders").status_code == 302
        assert db.session.scalar(select(func.count(DelegationReminder.id))) >= 1
        db.session.remove()
        db.engine.dispose()


def test_the_beat_schedule_runs_the_reminder_task(app, world):
    from plenary.tasks import beat_schedule

    world.event.registration_closes_at = utcnow() + timedelta(days=10)
    db.session.commit()
    schedule = beat_schedule(app)["registration-incomplete-reminders"]
    assert schedule["task"] == "registration.remind_incomplete"
    task = app.extensions["celery"].tasks["registration.remind_incomplete"]
    assert task.apply().get() == {"reminded": 2}
    assert task.apply().get() == {"reminded": 0}


def test_the_cli_dry_run_lists_and_sends_nothing(app, world):
    world.event.registration_closes_at = utcnow() + timedelta(days=10)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["registration", "remind-incomplete", "--dry-run"])
    assert result.exit_code == 0
    assert "EE\tthe note verbale" in result.output and "KE\t" in result.output
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_staff_take_a_national_into_the_delegation_and_cancel_a_registration(client, staff, world):
    world.event.registration_closes_at = utcnow() - timedelta(days=1)  # only staff may now
    national = make_delegate(world.estonia, "Saar", state=DelegateState.REQUESTED,
                             self_registered=True)  # fmt: skip
    db.session.commit()
    base = f"/secretariat/events/{world.event.id}"
    page = f"{base}/delegations/{world.estonia.id}"
    assert "Take into the delegation" in client.get(page).get_data(as_text=True)
    submit(client, page, f"{base}/delegates/{national.id}/accept")
    db.session.refresh(national)
    db.session.refresh(world.estonia)
    assert national.state == DelegateState.PENDING and world.estonia.delegate_count == 3
    [decision] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "registration.self_registration_decision")
    ).all()
    assert decision.recipients == ["saar@example.org"]
    response = submit(client, page, f"{base}/delegates/{national.id}/cancel",
                      **{"cancel-reason": "Will not travel"})  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(national)
    db.session.refresh(world.estonia)
    assert national.state == DelegateState.CANCELLED and world.estonia.delegate_count == 2
    [cancellation] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "registration.cancellation")
    ).all()
    assert "Will not travel" in cancellation.text_body
