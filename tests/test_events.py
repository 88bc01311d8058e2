"""The Secretariat's event screens: the event's details, its programme and linked events."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from markupsafe import escape

from plenary import seed
from plenary.extensions import db
from plenary.models import AuditEntry, Event, EventSession, LinkedEvent, Role
from plenary.registration import events
from tests.conftest import submit
from tests.factories import make_circular, make_event, make_user, sign_in

EVENTS = "/secretariat/events"


@pytest.fixture
def staff(client):
    make_user("staff@example.org", Role.STAFF)
    sign_in(client, "staff@example.org")
    return client


@pytest.fixture
def admin(client):
    make_user("admin@example.org", Role.ADMIN)
    sign_in(client, "admin@example.org")
    return client


@pytest.fixture
def dialogue(app) -> Event:
    """The seeded Global Dialogue on AI Governance, with its programme and linked summit."""
    seed.seed_event()
    db.session.commit()
    return db.session.scalar(db.select(Event).filter_by(slug=seed.DEMO_EVENT_SLUG))


def edit_page(event: Event) -> str:
    return f"{EVENTS}/{event.id}/edit"


def event_fields(event: Event, **overrides: str | None) -> dict[str, str]:
    """The event form as the seeded event fills it, with some fields changed."""
    fields = {
        "slug": event.slug,
        "venue": event.venue,
        "city": event.city,
        "country_code": event.country_code,
        "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat(),
        "timezone": event.timezone,
        "registration_opens_at": "2026-04-23T09:00",
        "registration_closes_at": "2026-06-26T23:59",
        "max_delegation_size": str(event.max_delegation_size or ""),
        "inquiry_email": event.inquiry_email,
        "contributions_email": event.contributions_email,
        "published": "y" if event.published else None,
        **{f"texts_{code}-title": text for code, text in event.title.items()},
        **{f"texts_{code}-description": text for code, text in event.description.items()},
        **{f"texts_{code}-venue": text for code, text in (event.venues or {}).items()},
        **{f"texts_{code}-city": text for code, text in (event.cities or {}).items()},
    }
    fields.update(overrides)
    return {name: value for name, value in fields.items() if value is not None}


def columns(event: Event) -> dict:
    db.session.refresh(event)
    return {column.key: getattr(event, column.key) for column in Event.__table__.columns}


def audit_actions() -> list[str]:
    return list(db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)))


def error_next_to(field: str, message: str) -> str:
    """The error paragraph of a field, as the page writes it (the message HTML-escaped)."""
    return f'<p class="error" id="{field}-error">{escape(message)}</p>'


# --- the event's details ----------------------------------------------------------------------


def test_staff_edit_the_french_title_and_the_public_page_shows_it(staff, dialogue):
    title = "Dialogue mondial sur la gouvernance de l'IA"
    response = submit(
        staff, edit_page(dialogue), **event_fields(dialogue, **{"texts_fr-title": title})
    )
    assert response.status_code == 302
    page = staff.get("/?lang=fr").get_data(as_text=True)
    assert f"<h1>{title}</h1>".replace("'", "&#39;") in page
    assert "<h1>Global Dialogue on AI Governance</h1>" in staff.get("/?lang=en").get_data(
        as_text=True
    )


def test_every_change_is_audited_with_the_fields_it_changed(staff, dialogue):
    fields = event_fields(dialogue, venue="Centre International de Conférences de Genève",
                          max_delegation_size="8")  # fmt: skip
    submit(staff, edit_page(dialogue), **fields)
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="event.edit"))
    assert entry.user.email == "staff@example.org"
    assert entry.object_type == "event" and entry.object_id == str(dialogue.id)
    assert entry.details["fields"] == ["max_delegation_size", "venue"]
    assert entry.details["changes"]["max_delegation_size"] == [6, 8]


def test_saving_the_form_unchanged_writes_no_audit_entry(staff, dialogue):
    response = submit(staff, edit_page(dialogue), **event_fields(dialogue))
    assert response.status_code == 302
    assert "Nothing changed." in staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "event.edit" not in audit_actions()


def test_registration_deadline_in_geneva_time_is_stored_in_utc_and_shown_in_geneva_time(
    staff, dialogue
):
    fields = event_fields(dialogue, registration_closes_at="2026-06-30T18:00")
    submit(staff, edit_page(dialogue), **fields)
    # Geneva is two hours ahead of UTC in summer.
    assert dialogue.registration_closes_at == datetime(2026, 6, 30, 16, 0, tzinfo=UTC)
    form = staff.get(edit_page(dialogue)).get_data(as_text=True)
    assert 'name="registration_closes_at" type="datetime-local" value="2026-06-30T18:00"' in form
    listing = staff.get(f"{EVENTS}?lang=en").get_data(as_text=True)
    assert "closes 30 June 2026, 18:00" in listing
    assert "Europe/Zurich" in listing


def test_winter_deadline_uses_geneva_winter_time(staff, dialogue):
    fields = event_fields(dialogue, registration_opens_at="2026-01-15T09:00")
    submit(staff, edit_page(dialogue), **fields)
    assert dialogue.registration_opens_at == datetime(2026, 1, 15, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"ends_on": "2026-07-05"}, "ends_on", "The last day cannot be before the first day."),
        ({"ends_on": "2026-08-06"}, "ends_on", "An event lasts 31 days at most."),
        ({"registration_closes_at": "2026-07-08T09:00"}, "registration_closes_at",
         "Registration must close by the event's last day."),
        ({"registration_opens_at": "2026-07-08T09:00", "registration_closes_at": ""},
         "registration_opens_at", "Registration must open before the event ends."),
        ({"timezone": "Europe/Geneva"}, "timezone",
         "Unknown time zone: give a name such as Europe/Zurich or America/New_York."),
        ({"country_code": "UK"}, "country_code",
         "Unknown country code: give the two letters of ISO 3166, such as CH."),
        ({"registration_closes_at": "2026-04-22T17:00"}, "registration_closes_at",
         "Registration must close after it opens."),
        ({"registration_opens_at": "2026-03-29T02:30"}, "registration_opens_at",
         "This time does not exist in Europe/Zurich: the clocks move forward then."),
        ({"slug": "AI Dialogue"}, "slug", "Use lowercase letters, digits and hyphens only."),
        ({"max_delegation_size": "0"}, "max_delegation_size",
         "Give a positive number, or nothing for no limit."),
        ({"inquiry_email": "ai.dialogue-at-itu.int"}, "inquiry_email", "Invalid email address."),
        ({f"texts_{code}-title": "" for code in ("ar", "zh", "en", "fr", "ru", "es")},
         "texts_en-title", "Give the title in at least one language."),
    ],
)  # fmt: skip
def test_bad_input_is_refused_next_to_its_field_and_changes_nothing(
    staff, dialogue, changes, field, message
):
    before = columns(dialogue)
    fields = event_fields(dialogue, venue="Somewhere else", **changes)
    response = submit(staff, edit_page(dialogue), **fields)
    assert response.status_code == 400
    assert error_next_to(field, message) in response.get_data(as_text=True)
    assert columns(dialogue) == before
    assert "event.edit" not in audit_actions()


def test_two_events_cannot_share_a_short_name(staff, dialogue):
    make_event(slug="ai-for-good-2026")
    db.session.commit()
    before = columns(dialogue)
    response = submit(staff, edit_page(dialogue), **event_fields(dialogue, slug="ai-for-good-2026"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert error_next_to("slug", "Another event already has this short name.") in page
    assert columns(dialogue) == before


def test_the_database_refuses_a_duplicate_short_name_that_the_check_missed(
    staff, dialogue, monkeypatch
):
    """Two saves at once both pass the check; the unique constraint gives the same message."""
    make_event(slug="ai-for-good-2026")
    db.session.commit()
    before = columns(dialogue)
    monkeypatch.setattr(events, "_check_slug_free", lambda slug, event_id: None)
    fields = event_fields(dialogue, slug="ai-for-good-2026", venue="Elsewhere")
    response = submit(staff, edit_page(dialogue), **fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert error_next_to("slug", "Another event already has this short name.") in page
    assert "Opening and high-level segment" in page  # the programme is still shown
    assert columns(dialogue) == before
    assert "event.edit" not in audit_actions()


def test_changing_the_time_zone_keeps_the_programme_in_local_time(staff, dialogue):
    fields = event_fields(dialogue, timezone="America/New_York")
    assert submit(staff, edit_page(dialogue), **fields).status_code == 302
    opening = dialogue.sessions[0]
    assert opening.starts_at == datetime(2026, 7, 6, 14, 0, tzinfo=UTC)  # 10:00 in New York
    page = staff.get("/?lang=en").get_data(as_text=True)
    assert "Monday 6 July, 10:00–13:00" in page


def test_an_event_of_31_days_is_kept_with_each_of_its_days(staff, dialogue):
    fields = event_fields(dialogue, ends_on="2026-08-05")
    assert submit(staff, edit_page(dialogue), **fields).status_code == 302
    days = dialogue.days()
    assert (len(days), days[0], days[-1]) == (31, date(2026, 7, 6), date(2026, 8, 5))


def test_the_days_cannot_leave_sessions_of_the_programme_outside(staff, dialogue):
    before = columns(dialogue)
    response = submit(staff, edit_page(dialogue), **event_fields(dialogue, ends_on="2026-07-06"))
    assert response.status_code == 400
    message = "The programme has sessions after this day; move them first."
    assert error_next_to("ends_on", message) in response.get_data(as_text=True)
    assert columns(dialogue) == before


# --- who may do what --------------------------------------------------------------------------


SECRETARIAT_PAGES = [EVENTS, f"{EVENTS}/new", f"{EVENTS}/1/edit", f"{EVENTS}/1/sessions/new",
                     f"{EVENTS}/1/linked/new"]  # fmt: skip


@pytest.mark.parametrize("page", SECRETARIAT_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, dialogue, page):
    response = client.get(page)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_staff_cannot_create_or_delete_events(staff, dialogue):
    assert staff.get(f"{EVENTS}/new").status_code == 403
    page = staff.get(EVENTS).get_data(as_text=True)
    assert "New event" not in page
    response = submit(staff, edit_page(dialogue), f"{EVENTS}/{dialogue.id}/delete")
    assert response.status_code == 403
    assert db.session.get(Event, dialogue.id) is not None
    assert "Delete the event" not in staff.get(edit_page(dialogue)).get_data(as_text=True)


def test_signed_in_staff_find_the_events_in_the_menu(staff, dialogue):
    page = staff.get("/secretariat/").get_data(as_text=True)
    assert f'<a href="{EVENTS}">Events</a>' in page
    listing = staff.get(f"{EVENTS}?lang=fr").get_data(as_text=True)
    assert "Dialogue mondial sur la gouvernance" in listing
    assert "6–7 juil. 2026" in listing and "Palexpo, Genève" in listing


def test_admin_creates_an_unpublished_event_then_publishes_it(admin):
    fields = {
        "slug": "ai-dialogue-2027",
        "texts_en-title": "Second Global Dialogue on AI Governance",
        "venue": "Palais des Nations",
        "city": "Geneva",
        "country_code": "ch",
        "starts_on": "2027-07-05",
        "ends_on": "2027-07-06",
        "timezone": "Europe/Zurich",
    }
    response = submit(admin, f"{EVENTS}/new", **fields)
    assert response.status_code == 302
    event = db.session.scalar(db.select(Event).filter_by(slug="ai-dialogue-2027"))
    assert response.headers["Location"] == edit_page(event)
    assert event.title == {"en": "Second Global Dialogue on AI Governance"}
    assert event.country_code == "CH"
    assert event.published is False and event.max_delegation_size is None
    assert "No event is published yet." in admin.get("/").get_data(as_text=True)
    submit(admin, edit_page(event), **fields, published="y")
    assert "Second Global Dialogue" in admin.get("/").get_data(as_text=True)
    assert audit_actions()[-2:] == ["event.create", "event.edit"]


def test_new_event_form_proposes_geneva_time(admin):
    page = admin.get(f"{EVENTS}/new").get_data(as_text=True)
    assert 'name="timezone" required type="text" value="Europe/Zurich"' in page


def test_admin_deletes_an_event_with_its_programme(admin, dialogue):
    event_id = dialogue.id
    response = submit(admin, edit_page(dialogue), f"{EVENTS}/{event_id}/delete")
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 0
    assert db.session.scalar(db.select(db.func.count(EventSession.id))) == 0
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="event.delete"))
    assert entry.object_id == str(event_id)
    assert entry.details["slug"] == seed.DEMO_EVENT_SLUG


def test_an_event_that_a_circular_names_cannot_be_deleted(admin, dialogue):
    make_circular(dialogue)
    db.session.commit()
    response = submit(admin, edit_page(dialogue), f"{EVENTS}/{dialogue.id}/delete")
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "has circulars or delegations: unpublish it instead." in page
    assert db.session.get(Event, dialogue.id) is not None
    assert "event.delete" not in audit_actions()


# --- the programme --------------------------------------------------------------------------


def session_fields(**overrides: str) -> dict[str, str]:
    fields = {
        "kind": "panel",
        "texts_en-title": "Thematic panel: AI and sustainable development",
        "texts_fr-title": "Panel thématique : l'IA et le développement durable",
        "starts_at": "2026-07-07T17:15",
        "ends_at": "2026-07-07T18:30",
        "room": "Room H",
    }
    fields.update(overrides)
    return fields


def test_staff_add_a_session_in_geneva_time_and_the_programme_shows_it(staff, dialogue):
    page = f"{EVENTS}/{dialogue.id}/sessions/new"
    response = submit(staff, page, **session_fields())
    assert response.status_code == 302
    added = db.session.scalar(db.select(EventSession).filter_by(room="Room H"))
    assert added.starts_at == datetime(2026, 7, 7, 15, 15, tzinfo=UTC)
    assert added.title["fr"].startswith("Panel thématique")
    public = staff.get("/?lang=en").get_data(as_text=True)
    assert "Tuesday 7 July, 17:15–18:30" in public
    assert "Thematic panel: AI and sustainable development" in public
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="event.session_create"))
    assert entry.object_id == str(dialogue.id) and entry.details["session"] == added.id


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"starts_at": "2026-07-05T10:00"}, "starts_at",
         "The session must lie within the event's days, 6 July 2026 to 7 July 2026."),
        ({"ends_at": "2026-07-08T01:00"}, "ends_at",
         "The session must lie within the event's days, 6 July 2026 to 7 July 2026."),
        ({"ends_at": "2026-07-07T17:00"}, "ends_at", "The session must end after it starts."),
        ({"texts_en-title": "", "texts_fr-title": ""}, "texts_en-title",
         "Give the title in at least one language."),
        ({"kind": "banquet"}, "kind", "Not a valid choice."),
    ],
)  # fmt: skip
def test_a_session_is_refused_next_to_its_field_and_nothing_is_added(
    staff, dialogue, changes, field, message
):
    response = submit(staff, f"{EVENTS}/{dialogue.id}/sessions/new", **session_fields(**changes))
    assert response.status_code == 400
    assert error_next_to(field, message) in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(EventSession.id))) == len(seed.SESSIONS)


def test_staff_move_a_session_and_remove_another(staff, dialogue):
    opening, reception_id = dialogue.sessions[0], dialogue.sessions[2].id
    page = f"{EVENTS}/{dialogue.id}/sessions/{opening.id}"
    form = staff.get(page).get_data(as_text=True)
    assert 'value="2026-07-06T10:00"' in form and 'value="Opening and high-level segment"' in form
    fields = session_fields(kind="high_level", starts_at="2026-07-06T09:30",
                            ends_at="2026-07-06T13:00", room="Main hall",
                            **{"texts_en-title": "Opening and high-level segment",
                               "texts_fr-title": "",
                               "texts_ru-title": "Открытие и сегмент высокого уровня"})  # fmt: skip
    assert submit(staff, page, **fields).status_code == 302
    assert opening.starts_at == datetime(2026, 7, 6, 7, 30, tzinfo=UTC)
    assert opening.room == "Main hall"
    delete = f"{EVENTS}/{dialogue.id}/sessions/{reception_id}/delete"
    assert submit(staff, edit_page(dialogue), delete).status_code == 302
    assert db.session.get(EventSession, reception_id) is None
    assert "Networking reception" not in staff.get("/").get_data(as_text=True)
    edit = db.session.scalar(db.select(AuditEntry).filter_by(action="event.session_edit"))
    assert set(edit.details["changes"]) == {"starts_at", "room"}
    assert "event.session_delete" in audit_actions()


def test_a_session_of_another_event_is_not_found(staff, dialogue):
    other = make_event(slug="other")
    db.session.commit()
    session_id = dialogue.sessions[0].id
    assert staff.get(f"{EVENTS}/{other.id}/sessions/{session_id}").status_code == 404


# --- linked events --------------------------------------------------------------------------


def test_staff_add_a_linked_event_shown_on_the_public_page(staff, dialogue):
    fields = {
        "texts_en-title": "WSIS+20 Forum",
        "texts_es-title": "Foro CMSI+20",
        "starts_on": "2026-07-08",
        "ends_on": "2026-07-10",
        "url": "https://www.itu.int/net4/wsis/forum/",
    }
    response = submit(staff, f"{EVENTS}/{dialogue.id}/linked/new", **fields)
    assert response.status_code == 302
    page = staff.get("/?lang=es").get_data(as_text=True)
    assert '<a href="https://www.itu.int/net4/wsis/forum/" rel="noopener">Foro CMSI+20</a>' in page
    assert "event.linked_event_create" in audit_actions()


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"url": "javascript:alert(1)"}, "url",
         "Give a web address that starts with https:// or http://."),
        ({"url": "aiforgood.itu.int"}, "url",
         "Give a web address that starts with https:// or http://."),
        ({"ends_on": "2026-07-06"}, "ends_on", "The last day cannot be before the first day."),
    ],
)  # fmt: skip
def test_a_linked_event_is_refused_next_to_its_field(staff, dialogue, changes, field, message):
    summit = dialogue.linked_events[0]
    page = f"{EVENTS}/{dialogue.id}/linked/{summit.id}"
    fields = {"texts_en-title": "AI for Good", "starts_on": "2026-07-07",
              "ends_on": "2026-07-10", "url": "https://aiforgood.itu.int/", **changes}  # fmt: skip
    response = submit(staff, page, **fields)
    assert response.status_code == 400
    assert error_next_to(field, message) in response.get_data(as_text=True)
    db.session.refresh(summit)
    assert summit.url == "https://aiforgood.itu.int/summit26/"


def test_staff_remove_a_linked_event(staff, dialogue):
    summit = dialogue.linked_events[0]
    delete = f"{EVENTS}/{dialogue.id}/linked/{summit.id}/delete"
    assert submit(staff, edit_page(dialogue), delete).status_code == 302
    assert db.session.scalar(db.select(db.func.count(LinkedEvent.id))) == 0
    assert "AI for Good Global Summit 2026" not in staff.get("/").get_data(as_text=True)
    assert "event.linked_event_delete" in audit_actions()


def test_the_venue_and_city_are_given_per_language_with_the_first_as_fallback(staff, dialogue):
    from plenary.registration.emails import _event_values

    fields = event_fields(
        dialogue, venue="Palexpo", city="Geneva", **{"texts_fr-city": "Genève",
        "texts_zh-city": "日内瓦", "texts_zh-venue": "日内瓦巴莱斯博览中心",
        "texts_ar-city": "", "texts_es-city": "", "texts_ru-city": ""}
    )  # fmt: skip
    assert submit(staff, edit_page(dialogue), **fields).status_code == 302
    db.session.refresh(dialogue)
    assert dialogue.cities == {"fr": "Genève", "zh": "日内瓦"}
    assert dialogue.place_in("fr") == "Palexpo, Genève"
    assert dialogue.place_in("zh") == "日内瓦巴莱斯博览中心, 日内瓦"
    assert dialogue.place_in("es") == "Palexpo, Geneva"
    assert _event_values(dialogue, "fr")["event_place"] == "Palexpo, Genève"
    form = staff.get(edit_page(dialogue)).get_data(as_text=True)
    assert 'name="texts_fr-city"' in form and 'value="Genève"' in form


def test_the_list_of_events_gives_deadlines_as_chinese_writes_them(staff, dialogue):
    page = staff.get(f"{EVENTS}?lang=zh").get_data(as_text=True)
    assert "2026年6月26日23:59（中欧夏令时间）" in page
