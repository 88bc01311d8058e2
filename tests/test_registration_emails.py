"""The registration emails: six languages, and the confirmation's .ics and QR code by SMTP."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar
from PIL import Image

from plenary.extensions import db
from plenary.i18n import LANGUAGES
from plenary.models import EventSession, OutboxMessage, SessionKind
from plenary.registration import emails
from tests.factories import make_event
from tests.test_outbox import use_smtp


def decode_qr(png: bytes) -> str:
    import zxingcpp

    [result] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    return result.text


def confirm(event, language="en", **extra):
    return emails.send_confirmation(
        event=event, language=language, recipients=["ivan.petrov@example.kz"],
        recipient_name="Mr Ivan Petrov", party="Kazakhstan", badge_number="GDAI-2026-0042",
        days=[date(2026, 7, 6)], attendance="in person", subject_ref="delegate:1", **extra,
    )  # fmt: skip


def test_the_confirmation_arrives_with_a_calendar_and_the_badge_qr_code(app, smtp):
    use_smtp(app, smtp)
    event = make_event()
    event.sessions.append(
        EventSession(
            kind=SessionKind.HIGH_LEVEL, title={"en": "High-level segment"},
            starts_at=datetime(2026, 7, 6, 7, 30, tzinfo=UTC),
            ends_at=datetime(2026, 7, 6, 16, 0, tzinfo=UTC),
        )
    )  # fmt: skip
    confirm(event)
    db.session.commit()
    [received] = smtp.wait_for(1)
    message = received.message
    assert received.recipients == ["ivan.petrov@example.kz"]
    assert "GDAI-2026-0042" in message["Subject"]
    assert "GDAI-2026-0042" in message.get_body(("plain",)).get_content()
    files = {part.get_filename(): part for part in message.iter_attachments()}
    assert set(files) == {"badge-GDAI-2026-0042.png", "dialogue.ics"}
    assert files["dialogue.ics"].get_content_type() == "text/calendar"
    qr = files["badge-GDAI-2026-0042.png"]
    assert qr.get_content_type() == "image/png"
    assert decode_qr(qr.get_content()) == "GDAI-2026-0042"
    ics = files["dialogue.ics"].get_content()
    calendar = Calendar.from_ical(ics if isinstance(ics, bytes) else ics.encode())
    [entry] = calendar.walk("VEVENT")
    start = entry.decoded("dtstart")
    assert str(start.tzinfo) == "Europe/Zurich"
    assert (start.date(), start.hour, start.minute) == (date(2026, 7, 6), 9, 30)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_registration_email_comes_in_the_recipients_language(app, language):
    event = make_event(
        registration_closes_at=datetime(2026, 6, 26, 21, 59, tzinfo=UTC),
        title={code: f"Dialogue [{code}]" for code in LANGUAGES},
    )
    session = EventSession(
        kind=SessionKind.NETWORKING, title={code: f"Reception [{code}]" for code in LANGUAGES},
        starts_at=datetime(2026, 7, 6, 16, 0, tzinfo=UTC),
        ends_at=datetime(2026, 7, 6, 18, 0, tzinfo=UTC), room="Hall 7",
    )  # fmt: skip
    event.sessions.append(session)
    db.session.flush()
    common = {"event": event, "language": language, "recipients": ["fp@example.org"],
              "recipient_name": "Ms Kaja Tamm"}  # fmt: skip
    written = [
        emails.send_acknowledgement(
            **common, party="Estonia", url="http://plenary.test/d/x", subject_ref="delegation:1",
            delegates=[emails.DelegateLine("Kaja Tamm", "head")],
        ),
        confirm(event, language),
        emails.send_rejection(
            **common, party="Estonia", reason="No note verbale", subject_ref="delegation:1"
        ),
        emails.send_self_registration_notice(
            **common, party="Estonia", person="Mari Mets", person_email="mari@example.ee",
            person_function="Adviser", url="http://plenary.test/d/x", subject_ref="delegate:2",
        ),
        emails.send_incomplete_reminder(
            **common, party="Estonia", missing=["note verbale"], url="http://plenary.test/d/x",
            subject_ref="delegation:1",
        ),
        emails.send_waitlist_promotion(**common, session=session, subject_ref="delegate:2"),
    ]  # fmt: skip
    for message in written:
        assert message.language == language
        assert f"[{language}]" in message.subject or "GDAI" in message.subject, message.subject
        assert message.html_body and f'lang="{language}"' in message.html_body
        if language != "en":
            # No sentence is left in English in another language's message.
            for english in ("Dear ", "The Secretariat", "Registration", "Questions:"):
                assert english not in message.text_body, (message.kind, english)
    reminder = written[4]
    assert "Hall 7" in written[5].text_body
    assert "2026" in reminder.text_body
    assert db.session.query(OutboxMessage).count() == 6
