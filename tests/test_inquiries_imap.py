"""Inquiries against a real IMAP server (Dovecot), a recording SMTP server and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, func, select

from plenary import create_app
from plenary.extensions import db
from plenary.inquiries import mailbox
from plenary.inquiries.models import Direction, Inquiry, InquiryMessage, MailboxCursor
from plenary.models import OutboxMessage
from tests import inquiry_mail
from tests.conftest import RequestClient, base_settings, csrf_token
from tests.factories import make_event, make_user, sign_in


def imap_settings(tmp_path, imap, smtp, **extra):
    return base_settings(
        tmp_path,
        **{
            "IMAP_HOST": imap.host,
            "IMAP_PORT": str(imap.port),
            "IMAP_SSL": "false",
            "IMAP_USER": imap.user,
            "IMAP_PASSWORD": imap.password,
            "MAIL_SERVER": smtp.host,
            "MAIL_PORT": str(smtp.port),
            "MAIL_DEFAULT_SENDER": "AI Dialogue <ai.dialogue@example.org>",
            **extra,
        },
    )


@pytest.fixture
def imap_app(tmp_path, imap, smtp):
    app = create_app(imap_settings(tmp_path, imap, smtp))
    app.test_client_class = RequestClient
    with app.app_context():
        db.create_all()
        make_event()
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


def poll() -> mailbox.PollReport:
    report = mailbox.poll()
    db.session.expire_all()
    return report


def test_mail_becomes_an_inquiry_and_the_answers_thread_in_the_senders_client(imap_app, imap, smtp):
    imap.append(inquiry_mail.mail(message_id="<question-1@example.ee>"))
    assert poll().new == 1
    (acknowledgement,) = smtp.wait_for(1)
    ack = acknowledgement.message
    inquiry = db.session.scalars(select(Inquiry)).one()
    assert acknowledgement.recipients == ["anna.kask@example.ee"]
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["In-Reply-To"] == "<question-1@example.ee>"
    assert inquiry.reference in ack["Subject"]

    client = imap_app.test_client()
    make_user()
    sign_in(client, "staff@example.org")
    page = f"/inquiries/helpdesk/{inquiry.id}"
    client.post(f"{page}/reply", data={"csrf_token": csrf_token(client, page), "body": "Six."})
    answer = smtp.wait_for(2)[1].message
    assert answer["In-Reply-To"] == "<question-1@example.ee>"
    assert "<question-1@example.ee>" in answer["References"]
    assert answer["Auto-Submitted"] is None
    assert answer["Subject"] == f"Re: [{inquiry.reference}] Size of our delegation"

    imap.append(
        inquiry_mail.mail(
            subject=f"Re: {answer['Subject']}",
            In_Reply_To=answer["Message-ID"],
            References=f"<question-1@example.ee> {answer['Message-ID']}",
            body="Thank you.",
        )
    )
    report = poll()
    assert (report.new, report.joined) == (0, 1)
    assert db.session.scalar(select(func.count(Inquiry.id))) == 1
    assert [m.text_body.strip() for m in inquiry.messages if m.direction == Direction.IN][-1] == (
        "Thank you."
    )
    assert len(smtp.received) == 2  # the reply was not acknowledged


def test_an_auto_reply_to_our_acknowledgement_gets_no_answer(imap_app, imap, smtp):
    imap.append(inquiry_mail.mail(sender="jean@example.fr", message_id="<q@example.fr>"))
    poll()
    ack = smtp.wait_for(1)[0].message
    # The sender's out-of-office answers our acknowledgement; a bounce and a list post too.
    imap.append(
        inquiry_mail.mail(
            sender="jean@example.fr",
            subject=f"Automatic reply: {ack['Subject']}",
            In_Reply_To=ack["Message-ID"],
            Auto_Submitted="auto-replied",
        )
    )
    imap.append(inquiry_mail.mail(sender="away@example.org", subject="Out of office"))
    imap.append(inquiry_mail.bounce(ack["Message-ID"]))
    imap.append(inquiry_mail.mail(sender="news@example.org", List_Id="<news.example.org>"))
    report = poll()
    assert (report.new, report.joined, report.failed) == (3, 1, 0)
    assert len(smtp.received) == 1
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
    automatic = db.session.scalars(
        select(InquiryMessage.automatic).where(InquiryMessage.direction == Direction.IN)
    ).all()
    assert sum(1 for reason in automatic if reason) == 4


def test_a_restarted_poller_ingests_nothing_twice(tmp_path, imap_app, imap, smtp):
    for number in range(3):
        imap.append(inquiry_mail.mail(sender=f"s{number}@example.org"))
    assert poll().new == 3
    restarted = create_app(imap_settings(tmp_path, imap, smtp))
    with restarted.app_context():
        assert mailbox.poll().new == 0
        # Even with the cursor lost (a new UIDVALIDITY), the Message-ID keeps them out.
        db.session.execute(delete(MailboxCursor))
        db.session.commit()
        report = mailbox.poll()
        assert (report.new, report.duplicate) == (0, 3)
        db.session.remove()
        db.engine.dispose()
    assert db.session.scalar(select(func.count(Inquiry.id))) == 3
    assert len(smtp.received) == 3


def test_a_message_in_an_unknown_charset_is_kept(imap_app, imap, smtp):
    imap.append(inquiry_mail.unknown_charset())
    imap.append(inquiry_mail.mail(sender="next@example.org"))
    report = poll()
    assert (report.new, report.failed) == (2, 0)
    message = db.session.scalar(
        select(InquiryMessage).where(InquiryMessage.message_id == "<charset-1@example.ru>")
    )
    assert "Question about the programme" in message.text_body
    assert any("unknown charset" in problem for problem in message.problems)


@pytest.mark.postgres
def test_two_pollers_at_once_never_ingest_a_message_twice(tmp_path, postgres_url, imap, smtp):
    count = 40
    settings = imap_settings(tmp_path, imap, smtp, DATABASE_URL=postgres_url)
    first, second = create_app(settings), create_app(settings)
    with first.app_context():
        upgrade()
        make_event()
        db.session.commit()
    for number in range(count):
        imap.append(inquiry_mail.mail(sender=f"sender{number}@example.org"))
    start = threading.Barrier(2)
    reports: list[mailbox.PollReport] = []
    errors: list[BaseException] = []

    def run(app):
        with app.app_context():
            try:
                start.wait(10)
                reports.append(mailbox.poll())
                # And once more, the cursor forgotten, while the other may still be polling.
                db.session.execute(delete(MailboxCursor))
                db.session.commit()
                reports.append(mailbox.poll())
            except BaseException as error:  # reported to the test below
                errors.append(error)
            finally:
                db.session.remove()
                db.engine.dispose()

    threads = [threading.Thread(target=run, args=(app,)) for app in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert sum(report.new for report in reports) == count
    assert sum(report.duplicate for report in reports) >= count  # the second rounds met them
    with first.app_context():
        received = db.session.scalars(
            select(InquiryMessage.message_id).where(InquiryMessage.direction == Direction.IN)
        ).all()
        acknowledgements = db.session.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.kind == "inquiry.acknowledgement"
            )
        )
        db.session.remove()
        db.engine.dispose()
    assert len(received) == len(set(received)) == count
    assert acknowledgements == count
    smtp.wait_for(count)
    recipients = [mail.recipients[0] for mail in smtp.received]
    assert len(recipients) == len(set(recipients)) == count


def test_an_oversized_message_is_cut_to_the_limit_and_marked(imap_app, imap, smtp):
    imap_app.config["INQUIRY_MAX_MESSAGE_BYTES"] = 4000
    imap.append(inquiry_mail.mail(message_id="<big@example.org>", body="Long text. " * 2000))
    report = poll()
    assert (report.new, report.failed) == (1, 0)
    message = db.session.scalar(
        select(InquiryMessage).where(InquiryMessage.message_id == "<big@example.org>")
    )
    assert message.text_body.startswith("Long text.")
    assert any("cut to 4000 bytes" in problem for problem in message.problems)


@pytest.mark.parametrize("mode", ["ssl", "starttls"])
def test_the_poller_reads_over_tls(tmp_path, imap, smtp, mode):
    port = imap.ssl_port if mode == "ssl" else imap.port
    settings = imap_settings(
        tmp_path, imap, smtp, IMAP_PORT=str(port), IMAP_CA_FILE=str(imap.certificate),
        IMAP_SSL="true" if mode == "ssl" else "false",
        IMAP_STARTTLS="true" if mode == "starttls" else "false",
    )  # fmt: skip
    app = create_app(settings)
    with app.app_context():
        db.create_all()
        imap.append(inquiry_mail.mail())
        assert mailbox.poll().new == 1
        # A certificate nobody vouches for is refused, and said so.
        app.config["IMAP_CA_FILE"] = None
        with pytest.raises(mailbox.MailboxUnavailable, match="CERTIFICATE_VERIFY_FAILED"):
            mailbox.poll()
        db.session.remove()
        db.engine.dispose()
