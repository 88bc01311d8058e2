"""Input that gave a 500 on PostgreSQL: a message next to the field or a 404 instead."""

from __future__ import annotations

import io

import pytest

from plenary import seed
from plenary.extensions import db
from plenary.invitations.models import Addressee
from plenary.models import AuditEntry, Event, LinkedEvent, Role
from tests.conftest import submit
from tests.factories import make_user, sign_in
from tests.test_events import error_next_to, event_fields
from tests.test_fuzz import postgres_app  # noqa: F401  (the fixture)

DATE_RANGE = "Give a date between 1900 and 2200."


@pytest.fixture
def admin(postgres_app):  # noqa: F811
    seed.seed_event()
    db.session.commit()
    make_user("admin@example.org", Role.ADMIN)
    client = postgres_app.test_client()
    sign_in(client, "admin@example.org")
    return client


@pytest.fixture
def dialogue(admin) -> Event:
    return db.session.scalar(db.select(Event).filter_by(slug=seed.DEMO_EVENT_SLUG))


def test_nul_bytes_in_a_form_are_dropped_and_the_rest_is_saved(admin):
    fields = {"kind": "administration", "country_id": "", "full_name": "Kaja\x00 Tamm",
              "emails": "kaja\x00@example.org", "language": "en",
              "city": "Tal\x00linn"}  # fmt: skip
    page = "/secretariat/invitations/addressees/new"
    response = submit(admin, page, **fields)
    assert response.status_code == 400  # for the missing State, not for the NUL bytes
    assert error_next_to("country_id", "Choose the Member State.") in response.get_data(
        as_text=True
    )
    from plenary.models import Country

    estonia = Country(code="EE", names={"en": "Estonia"}, region="europe")
    db.session.add(estonia)
    db.session.commit()
    response = submit(admin, page, **{**fields, "country_id": str(estonia.id)})
    assert response.status_code == 302
    saved = db.session.scalar(db.select(Addressee))
    assert (saved.full_name, saved.email, saved.city) == (
        "Kaja Tamm",
        "kaja@example.org",
        "Tallinn",
    )


@pytest.mark.parametrize(
    "disposition", ["form-data", "form-data; name=", 'form-data; filename="a.pdf"']
)
def test_a_form_part_without_a_name_is_left_out(client, disposition):
    nameless = f"Content-Disposition: {disposition}\r\n\r\nabc"
    email = "Content-Disposition: form-data; name=email\r\n\r\na@example.org"
    body = f"--XX\r\n{nameless}\r\n--XX\r\n{email}\r\n--XX--\r\n"
    for path in ("/login", "/inquiries/contact", "/delegation/new-link"):
        response = client.post(path, data=body.encode(),
                               content_type="multipart/form-data; boundary=XX")  # fmt: skip
        # Refused for its missing CSRF token, like any form without one.
        assert response.status_code == 400, path
        assert "The form had expired" in response.get_data(as_text=True)


def test_nul_bytes_in_a_query_string_or_a_path(admin):
    assert admin.get("/secretariat/invitations/addressees?q=%00").status_code == 200
    assert admin.get("/secretariat/mail?state=sent%00").status_code == 200
    assert admin.get("/events/dia%00logue").status_code == 404


def test_a_nul_byte_in_a_csv_cell_is_refused_with_its_line(admin):
    data = "kind,country,full_name,email,language\nadministration,EE,Kaja\x00Tamm,k@e.org,en\n"
    page = "/secretariat/invitations/addressees/import"
    from tests.conftest import csrf_token

    response = admin.post(
        page,
        data={"csrf_token": csrf_token(admin, page),
              "file": (io.BytesIO(data.encode()), "directory.csv")},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Line 2 holds a NUL character" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Addressee.id))) == 0


def test_a_delegation_size_too_big_for_its_column_is_refused_next_to_it(admin, dialogue):
    response = submit(
        admin,
        f"/secretariat/events/{dialogue.id}/edit",
        **event_fields(dialogue, max_delegation_size="99999999999"),
    )
    assert response.status_code == 400
    assert error_next_to("max_delegation_size", "Give a smaller number.") in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"starts_on": "0001-01-01"}, "starts_on"),
        ({"registration_opens_at": "0001-01-01T00:00"}, "registration_opens_at"),
        ({"registration_closes_at": "9999-12-31T23:59", "timezone": "America/Los_Angeles"},
         "registration_closes_at"),
    ],
)  # fmt: skip
def test_a_date_out_of_range_is_refused_next_to_its_field(admin, dialogue, changes, field):
    before = dialogue.starts_on, dialogue.registration_closes_at
    response = submit(
        admin, f"/secretariat/events/{dialogue.id}/edit", **event_fields(dialogue, **changes)
    )
    assert response.status_code == 400
    assert error_next_to(field, DATE_RANGE) in response.get_data(as_text=True)
    db.session.refresh(dialogue)
    assert (dialogue.starts_on, dialogue.registration_closes_at) == before


def test_a_malformed_web_address_is_refused_next_to_its_field(admin, dialogue):
    response = submit(
        admin,
        f"/secretariat/events/{dialogue.id}/linked/new",
        **{"texts_en-title": "WSIS", "starts_on": "2026-07-08", "ends_on": "2026-07-10",
           "url": "https://[::1"},
    )  # fmt: skip
    assert response.status_code == 400
    message = "Give a web address that starts with https:// or http://."
    assert error_next_to("url", message) in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(LinkedEvent.id))) == 1  # the seeded one


def test_a_valid_251_character_email_can_sign_in_and_act(postgres_app, admin):  # noqa: F811
    long_email = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 54 + ".org"
    assert len(long_email) == 251
    response = submit(admin, "/secretariat/users", email=long_email, full_name="Long", role="staff")
    assert response.status_code == 302
    make_user("x" + long_email[1:], Role.STAFF)
    client = postgres_app.test_client()
    assert sign_in(client, "x" + long_email[1:]).status_code == 302
    assert client.get("/secretariat/").status_code == 200
    entry = db.session.scalars(
        db.select(AuditEntry).filter_by(action="user.login").order_by(AuditEntry.id.desc())
    ).first()
    assert entry.actor == ("x" + long_email[1:])[:200]
