"""The focal point's pages through the personal link: intent, composition, side events, links."""

from __future__ import annotations

import html
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from plenary.extensions import db
from plenary.invitations.models import Invitation
from plenary.models import OutboxMessage, utcnow
from plenary.registration import delegations
from plenary.registration.models import (
    Delegate,
    DelegateState,
    Delegation,
    DelegationChange,
    DelegationState,
    StoredFile,
)
from tests.conftest import csrf_token, submit
from tests.factories import make_user, sign_in
from tests.registration_helpers import (
    NOW,
    invited_state,
    link_of,
    open_event,
    person,
    received,
    side_event,
)

BROWSER = {"Sec-Fetch-Mode": "navigate", "Accept-Language": "en", "Accept": "text/html"}


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    return buffer.getvalue()


PDF = _pdf()
INTENT = {
    "participation": "yes",
    "head_level": "minister",
    "focal_point_name": "Kaja Tamm",
    "focal_point_email": "kaja.tamm@example.ee",
}


def text_of(response) -> str:
    return response.get_data(as_text=True)


def person_form(number: int, **extra) -> dict[str, str]:
    return {
        "given_name": f"Given{number}",
        "family_name": f"Family{number}",
        "email": f"person{number}@example.ee",
        "role": "member",
        "days": (NOW + timedelta(days=30)).date().isoformat(),
        "attendance": "in_person",
        "language": "en",
        **extra,
    }


def setup_state(app, **event_fields):
    event = open_event(**event_fields)
    country, invitations = invited_state(event)
    db.session.commit()
    return event, country, invitations


def delegation_of(country) -> Delegation | None:
    return db.session.scalar(select(Delegation).filter_by(country_id=country.id))


def test_the_whole_focal_point_journey(app, client):
    _event, country, (ministry, _mission) = setup_state(app)
    link = link_of(ministry)
    page = client.get(link, headers=BROWSER)
    assert page.status_code == 200 and "Estonia" in text_of(page)
    assert delegation_of(country) is None  # the GET wrote no delegation
    response = submit(client, link, **INTENT, speaking_request="y", panel_interest="y")
    assert response.status_code == 302 and response.location.endswith(link + "/delegates")
    delegation = delegation_of(country)
    assert delegation.participates and delegation.speaking_request and delegation.panel_interest
    assert delegation.answered_by_addressee_id == ministry.addressee_id

    composition = link + "/delegates"
    added = submit(client, composition + "/new", **person_form(1, role="head", honorific="H.E."))
    assert added.status_code == 302
    submit(client, composition + "/new", **person_form(2))
    page = text_of(client.get(composition))
    assert "H.E. Given1 Family1" in page and "Given2 Family2" in page

    upload = client.post(
        link + "/note-verbale",
        data={"csrf_token": csrf_token(client, composition),
              "note_verbale": (io.BytesIO(PDF), "nv.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert upload.status_code == 302
    db.session.refresh(delegation)
    assert delegation.note_verbale.filename == "nv.pdf"
    download = client.get(f"{link}/files/{delegation.note_verbale_id}")
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")

    assert submit(client, composition, link + "/submit").status_code == 302
    db.session.refresh(delegation)
    assert delegation.state == DelegationState.SUBMITTED
    # A change after submission is recorded, with who made it.
    member = db.session.scalar(select(Delegate).filter_by(email="person2@example.ee"))
    submit(client, f"{composition}/{member.id}", **person_form(2, function="Legal adviser"))
    change = db.session.scalar(select(DelegationChange))
    assert change.what == "delegate.edit" and change.actor == "focal point (EE)"
    assert change.details == {"function": ["", "Legal adviser"]}
    assert "Delegate changed" in text_of(client.get(composition))


def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(app, client):
    _event, _country, (ministry, _) = setup_state(app)
    link = link_of(ministry)
    submit(client, link, **INTENT)
    refused = submit(
        client, link + "/delegates/new",
        **{k: v for k, v in person_form(1, given_name="", email="not-an-email").items()
           if k != "days"},
    )  # fmt: skip
    assert refused.status_code == 400
    page = text_of(refused)
    assert 'id="given_name-error"' in page and 'id="email-error"' in page
    assert "Choose at least one day." in page
    assert db.session.scalar(select(Delegate)) is None
    bad_photo = client.post(
        link + "/delegates/new",
        data={"csrf_token": csrf_token(client, link + "/delegates/new"), **person_form(1),
              "photo": (io.BytesIO(b"<svg></svg>"), "x.png")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert bad_photo.status_code == 400
    assert "The photograph must be a JPEG or PNG image." in text_of(bad_photo)
    assert db.session.scalar(select(Delegate)) is None
    assert db.session.scalar(select(StoredFile)) is None
    not_pdf = client.post(
        link + "/note-verbale",
        data={"csrf_token": csrf_token(client, link + "/delegates"),
              "note_verbale": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "nv.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )  # fmt: skip
    assert "The note verbale must be a PDF file." in text_of(not_pdf)
    assert db.session.scalar(select(StoredFile)) is None


def test_the_size_limit_is_shown_to_the_focal_point(app, client):
    _event, _country, (ministry, _) = setup_state(app, max_delegation_size=1)
    link = link_of(ministry)
    submit(client, link, **INTENT)
    submit(client, link + "/delegates/new", **person_form(1))
    refused = submit(client, link + "/delegates/new", **person_form(2))
    assert refused.status_code == 400
    assert "The delegation has reached the event&#39;s size limit." in text_of(refused)


def test_a_focal_point_reaches_only_their_own_delegation(app, client):
    event, _estonia, (ministry, _) = setup_state(app)
    _latvia, (latvian, _) = invited_state(event, "LV", ("admin@example.lv", "mission@example.lv"),
                                         circular=ministry.circular)  # fmt: skip
    db.session.commit()
    submit(client, link_of(latvian), **INTENT)
    submit(client, link_of(latvian) + "/delegates/new", **person_form(1))
    latvian_delegate = db.session.scalar(select(Delegate))
    client.post(
        link_of(latvian) + "/note-verbale",
        data={"csrf_token": csrf_token(client, link_of(latvian)),
              "note_verbale": (io.BytesIO(PDF), "lv.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    latvian_file = db.session.scalar(select(StoredFile))
    assert client.get(f"{link_of(latvian)}/files/{latvian_file.id}").status_code == 200
    submit(client, link_of(ministry), **INTENT)
    estonian = link_of(ministry)
    for url in (
        f"{estonian}/delegates/{latvian_delegate.id}",
        f"{estonian}/files/{latvian_file.id}",
    ):
        assert client.get(url).status_code == 404
    for url in (
        f"{estonian}/delegates/{latvian_delegate.id}/remove",
        f"{estonian}/delegates/{latvian_delegate.id}/accept",
    ):
        response = client.post(url, data={"csrf_token": csrf_token(client, estonian)})
        assert response.status_code == 404
    assert db.session.get(Delegate, latvian_delegate.id).state == DelegateState.PENDING


def test_scanners_and_reloads_are_not_openings(app, client):
    _event, _country, (ministry, _) = setup_state(app)
    link = link_of(ministry)
    client.head(link)
    client.get(link)  # no browser headers: a scanner
    client.get(link, headers={"Sec-Fetch-Mode": "no-cors", "Accept-Language": "en"})
    assert db.session.get(Invitation, ministry.id).open_count == 0
    client.get(link, headers=BROWSER)
    client.get(link, headers=BROWSER)  # a reload
    submit(client, link, **INTENT)
    client.get(link, headers=BROWSER)  # back after the answer
    assert db.session.get(Invitation, ministry.id).open_count == 1


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"given_name": "Paul\u202eMartin"}, "given_name",
         "Remove the control characters from this field."),
        ({"date_of_birth": (NOW + timedelta(days=1)).date().isoformat()}, "date_of_birth",
         "The date of birth is in the future."),
        ({"passport_expires_on": (NOW + timedelta(days=31)).date().isoformat()},
         "passport_expires_on", "The passport must still be valid after the event's last day."),
        ({"visa_letter_needed": "y", "attendance": "online", "nationality": "Estonian",
          "passport_number": "K1"}, "visa_letter_needed",
         "A visa support letter is for delegates who attend in person."),
        ({"attendance": "by pigeon"}, "attendance", "Not a valid choice."),
    ],
)  # fmt: skip
def test_a_delegate_that_cannot_be_is_refused_next_to_the_field(app, client, fields, field,
                                                                message):  # fmt: skip
    _event, _country, (ministry, _) = setup_state(app)
    link = link_of(ministry)
    submit(client, link, **INTENT)
    refused = submit(client, link + "/delegates/new", **person_form(1, **fields))
    assert refused.status_code == 400
    assert f'id="{field}-error">{message}<' in html.unescape(text_of(refused))
    assert db.session.scalar(select(Delegate)) is None


def test_a_delegate_changed_in_another_tab_is_not_overwritten(app, client):
    _event, _country, (ministry, _) = setup_state(app)
    link = link_of(ministry)
    submit(client, link, **INTENT)
    submit(client, link + "/delegates/new", **person_form(1))
    delegate = db.session.scalar(select(Delegate))
    page = f"{link}/delegates/{delegate.id}"
    shown = text_of(client.get(page))  # tab A opens the form...
    seen = re.search(r'name="seen" type="hidden" value="([^"]*)"', shown).group(1)
    token = csrf_token(client, page)
    # ...tab B saves a phone number...
    assert submit(client, page, **person_form(1, phone="+372 555 0101")).status_code == 302
    # ...then tab A saves what it showed: refused, and the form now shows B's number.
    stale = client.post(page, data={"csrf_token": token, "seen": seen,
                                    **person_form(1, function="Adviser")})  # fmt: skip
    assert stale.status_code == 409
    assert "Someone else changed this delegate" in text_of(stale)
    assert 'value="+372 555 0101"' in text_of(stale)
    db.session.refresh(delegate)
    assert (delegate.phone, delegate.function) == ("+372 555 0101", "")
    fresh = re.search(r'name="seen" type="hidden" value="([^"]*)"', text_of(stale)).group(1)
    both = person_form(1, phone="+372 555 0101", function="Adviser")
    again = client.post(page, data={"csrf_token": token, "seen": fresh, **both})
    assert again.status_code == 302
    db.session.refresh(delegate)
    assert delegate.function == "Adviser"


def test_the_other_office_is_told_and_a_stale_answer_refused(app):
    _event, country, (ministry, mission) = setup_state(app)
    first, second = app.test_client(), app.test_client()
    token = csrf_token(second, link_of(mission))  # the mission opens its form...
    version = re.search(r'name="version" type="hidden" value="([^"]*)"',
                        text_of(second.get(link_of(mission)))).group(1)  # fmt: skip
    submit(first, link_of(ministry), **INTENT)  # ...the ministry answers meanwhile
    notice = db.session.scalar(
        select(OutboxMessage).filter_by(kind="registration.answer_by_other_office")
    )
    assert notice.recipients == ["mission@example.ee"] and notice.language == "fr"
    stale = second.post(link_of(mission), data={"csrf_token": token, "version": version,
                                                "participation": "no"})  # fmt: skip
    assert stale.status_code == 409
    assert "Someone else saved an answer" in text_of(stale)
    assert delegation_of(country).participates is True
    # The form now shows the saved answer, with its version: saved again, it is taken.
    shown = re.search(r'name="version" type="hidden" value="([^"]*)"', text_of(stale)).group(1)
    assert shown == str(delegation_of(country).version) != version
    [yes] = re.findall(r'<input[^>]*name="participation"[^>]*value="yes"[^>]*>', text_of(stale))
    assert " checked" in yes
    page = text_of(second.get(link_of(mission)))
    assert "Last answer by Ms Kaja Tamm" in page
    again = second.post(link_of(mission), data={"csrf_token": token, "version": shown,
                                                "participation": "no"})  # fmt: skip
    assert again.status_code == 302
    assert delegation_of(country).participates is False


def test_after_the_window_the_page_is_read_only_with_the_contact(app, client):
    event, country, (ministry, _) = setup_state(app)
    link = link_of(ministry)
    submit(client, link, **INTENT)
    event.registration_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = client.get(link)
    assert "Registration is closed" in text_of(page) and "chief.spm@example.org" in text_of(page)
    assert 'name="participation"' not in text_of(page)
    token = csrf_token(client, "/delegation/new-link")
    refused = client.post(link, data={"csrf_token": token, "participation": "no"})
    assert refused.status_code == 400
    assert delegation_of(country).participates is True
    added = client.post(link + "/delegates/new", data={"csrf_token": token, **person_form(1)})
    assert added.status_code == 400 and db.session.scalar(select(Delegate)) is None


def test_an_unpublished_event_refuses_the_link(app, client):
    _event, _country, (ministry, _) = setup_state(app, published=False)
    assert client.get(link_of(ministry)).status_code == 404


def test_withdrawn_reissued_and_deactivated_links_stop_with_a_clear_page(app, client):
    _event, _country, (ministry, mission) = setup_state(app)
    old_link = link_of(ministry)
    staff = app.test_client()
    make_user()
    sign_in(staff, "staff@example.org")
    page = f"/secretariat/invitations/{ministry.id}/link"
    assert submit(staff, page, page + "/reissue").status_code == 302
    gone = client.get(old_link)
    assert gone.status_code == 410 and "replaced by a newer one" in text_of(gone)
    assert "Ask for a new link" in text_of(gone)
    new_link_mail = db.session.scalar(select(OutboxMessage).filter_by(kind="registration.new_link"))
    assert new_link_mail.recipients == ["ministry@example.ee"]
    new_link = re.search(r"http://plenary\.test(/delegation/\S+)", new_link_mail.text_body)
    assert client.get(new_link.group(1).split("?")[0]).status_code == 200
    submit(staff, page, page + "/withdraw")
    assert client.get(new_link.group(1).split("?")[0]).status_code == 410
    mission.addressee.active = False
    db.session.commit()
    assert client.get(link_of(mission)).status_code == 410


def test_asking_for_a_new_link_reveals_nothing(app, client):
    _event, _country, (_ministry, _) = setup_state(app)
    known = submit(client, "/delegation/new-link", email="MINISTRY@example.ee")
    unknown = submit(client, "/delegation/new-link", email="nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    strip = re.compile(r'name="csrf_token"[^>]*>')
    assert strip.sub("", text_of(known)) == strip.sub("", text_of(unknown))
    submit(client, "/delegation/new-link", email="ministry@example.ee")  # asked twice
    sent = db.session.scalars(select(OutboxMessage).filter_by(kind="registration.new_link")).all()
    assert [m.recipients for m in sent] == [["ministry@example.ee"]]


def test_self_registration_then_the_focal_point_accepts(app, client):
    event, country, (ministry, _) = setup_state(app)
    page = f"/events/{event.slug}/register"
    assert "Estonia" in text_of(client.get(page))
    # The emails' language is the page's until the person chooses another.
    arabic = text_of(client.get(page + "?lang=ar"))
    assert re.search(r'<option selected value="ar">|<option value="ar" selected>', arabic)
    client.get(page + "?lang=en")
    response = submit(client, page, country=str(country.id), **person_form(5))
    assert response.status_code == 302
    requested = db.session.scalar(select(Delegate))
    assert requested.state == DelegateState.REQUESTED and requested.self_registered
    duplicate = submit(client, page, country=str(country.id), **person_form(5))
    assert duplicate.status_code == 400
    assert "already registered" in text_of(duplicate)
    link = link_of(ministry)
    composition = text_of(client.get(link + "/delegates"))
    assert "waiting for your decision" in composition and "Given5 Family5" in composition
    submit(client, link + "/delegates", f"{link}/delegates/{requested.id}/accept")
    assert db.session.get(Delegate, requested.id).state == DelegateState.PENDING


def test_a_national_of_a_state_without_focal_point_registers_with_a_photo(app, client):
    from plenary.registration.models import Delegation
    from tests.factories import make_country

    event, _country, _invitations = setup_state(app)
    latvia = make_country("LV")
    db.session.commit()
    png = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (60, 80), "white").save(png, "PNG")
    page = f"/events/{event.slug}/register"
    response = client.post(page, data={
        "csrf_token": csrf_token(client, page), "country": str(latvia.id),
        **person_form(7, email="p7@example.lv"), "photo": (io.BytesIO(png.getvalue()), "me.html"),
    }, content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 302
    person = db.session.scalar(select(Delegate).filter_by(email="p7@example.lv"))
    assert person.photo is not None and person.photo.filename == "me.png"
    # No focal point for Latvia: the Secretariat is told, with the delegation's review page.
    [notice] = db.session.scalars(
        select(OutboxMessage).filter_by(kind="registration.self_registration_notice")
    ).all()
    delegation = db.session.scalar(select(Delegation).filter_by(country_id=latvia.id))
    assert notice.recipients == [event.inquiry_email] == ["ai.dialogue@example.org"]
    assert "Latvia has no focal point for this event yet" in notice.text_body
    assert f"/secretariat/events/{event.id}/delegations/{delegation.id}" in notice.text_body


def test_side_event_sign_up_and_the_waiting_list(app, client):
    event, country, (ministry, _) = setup_state(app)
    reception = side_event(event, capacity=1)
    delegation = delegations.ensure_delegation(event, country.id, None)
    first = delegations.add_delegate(delegation, person(1), actor="t")
    second = delegations.add_delegate(delegation, person(2), actor="t")
    received(delegation)
    db.session.commit()
    link = link_of(ministry)
    places = link + "/side-events"
    submit(client, places, f"{places}/{reception.id}/{first.id}", place_action="sign_up")
    submit(client, places, f"{places}/{reception.id}/{second.id}", place_action="sign_up")
    html = client.get(places).get_data(as_text=True)
    # One form for each person and side event, each with the token, none with its id.
    assert html.count('name="csrf_token"') == 2 and 'id="csrf_token"' not in html
    page = text_of(client.get(places))
    assert "Has a place" in page and "Waiting list: number 1" in page
    submit(client, places, f"{places}/{reception.id}/{first.id}", place_action="cancel")
    promoted = db.session.scalar(
        select(OutboxMessage).filter_by(kind="registration.side_event_promoted")
    )
    assert promoted.recipients == ["person2@example.ee"]
    assert "Waiting list" not in text_of(client.get(places))
    # Giving up a place one no longer has says so.
    again = submit(client, places, f"{places}/{reception.id}/{first.id}", place_action="cancel")
    assert "Given1 Family1 has no place or turn to give up." in text_of(
        client.get(again.headers["Location"]))  # fmt: skip


def test_the_changes_since_submission_name_the_fields_as_the_form_does(app, client):
    _event, _country, (ministry, _) = setup_state(app)
    link = link_of(ministry)
    submit(client, link, **INTENT)
    submit(client, link + "/delegates/new", **person_form(1, role="head"))
    submit(client, link + "/delegates", link + "/submit")
    delegate = db.session.scalar(select(Delegate))
    submit(client, f"{link}/delegates/{delegate.id}",
           **person_form(1, role="head", function="Minister", phone="+372 1"))  # fmt: skip
    page = html.unescape(text_of(client.get(link + "/delegates")))
    assert "Delegate changed: Given1 Family1" in page
    assert "(Function or title, Telephone)" in page and "(function, phone)" not in page


def test_the_page_is_in_the_addressees_language_and_the_switcher_works(app, client):
    _event, _country, (_ministry, mission) = setup_state(app)
    link = link_of(mission)
    french = client.get(link + "?lang=fr")
    assert 'lang="fr"' in text_of(french)
    switched = client.get(f"/language/ru?next={link}%3Flang%3Dfr", follow_redirects=True)
    assert 'lang="ru"' in text_of(switched)


def test_expired_and_forged_links_get_a_clear_page(app, client):
    assert client.get("/delegation/forged").status_code == 404
    assert "Ask for a new link" in text_of(client.get("/delegation/forged"))
    assert NOW  # the helpers' clock is timezone-aware


def test_staff_set_a_capacity_and_raising_it_serves_the_waiting_list(app, client):
    from plenary.models import EventSession

    event, country, (_ministry, _) = setup_state(app)
    reception = side_event(event, capacity=1)
    delegation = delegations.ensure_delegation(event, country.id, None)
    people = [delegations.add_delegate(delegation, person(n), actor="t") for n in (1, 2)]
    received(delegation)
    from plenary.registration import side_events

    places = [side_events.sign_up(reception, p, actor="t") for p in people]
    db.session.commit()
    staff = app.test_client()
    make_user()
    sign_in(staff, "staff@example.org")
    page = f"/secretariat/events/{event.id}/sessions/{reception.id}"
    starts = reception.starts_at.astimezone(event_zone(event)).strftime("%Y-%m-%dT%H:%M")
    ends = reception.ends_at.astimezone(event_zone(event)).strftime("%Y-%m-%dT%H:%M")
    fields = {"kind": "networking", "starts_at": starts, "ends_at": ends,
              "texts_en-title": "Networking reception"}  # fmt: skip
    refused = submit(staff, page, **fields, capacity="0")
    assert refused.status_code == 400 and 'id="capacity-error"' in text_of(refused)
    assert submit(staff, page, **fields, capacity="2").status_code == 302
    db.session.expire_all()
    assert db.session.get(EventSession, reception.id).capacity == 2
    assert places[1].state.value == "confirmed"


def event_zone(event):
    from zoneinfo import ZoneInfo

    return ZoneInfo(event.timezone)


def test_the_secretariat_sees_each_states_answer(app, client):
    event, _country, (ministry, _) = setup_state(app)
    _latvia, (latvian, _) = invited_state(event, "LV", ("admin@example.lv", "mission@example.lv"),
                                          circular=ministry.circular)  # fmt: skip
    db.session.commit()
    submit(client, link_of(ministry), **INTENT, speaking_request="y", comment="Two ministers")
    submit(app.test_client(), link_of(latvian), participation="no")
    staff = app.test_client()
    make_user()
    sign_in(staff, "staff@example.org")
    page = text_of(staff.get(f"/secretariat/invitations/circulars/{ministry.circular_id}/states"))
    estonia = page[page.index("Estonia") : page.index("Latvia")]
    assert "Takes part" in estonia and "Minister" in estonia and "Kaja Tamm" in estonia
    assert "Wishes to address the Dialogue" in estonia and "Two ministers" in estonia
    latvia = page[page.index("Latvia") :]
    assert "Declines" in latvia and "Takes part" not in latvia
    assert f"/secretariat/invitations/{ministry.id}/link" in page


HOSTILE = ["\x00", "x" * 1_000_000, "99999999999999999999999", "\u202eevil", "a\r\nBcc: x@y",
           "0001-01-01", "9999-12-31", "-1", ""]  # fmt: skip


def test_hostile_values_never_give_a_500(app, client):
    event, _country, (ministry, _) = setup_state(app)
    link = link_of(ministry)
    submit(client, link, **INTENT)
    submit(client, link + "/delegates/new", **person_form(1))
    delegate = db.session.scalar(select(Delegate))
    reception = side_event(event, capacity=1)
    db.session.commit()
    token = csrf_token(client, link)
    forms = {
        link: [*INTENT, "version", "comment", "contribution_note"],
        link + "/delegates/new": [*person_form(1), "passport_expires_on", "date_of_birth"],
        f"{link}/delegates/{delegate.id}": [*person_form(1)],
        f"{link}/delegates/{delegate.id}/remove": ["reason"],
        f"{link}/cancel": ["reason"],
        f"{link}/side-events/{reception.id}/{delegate.id}": ["place_action"],
        "/delegation/new-link": ["email"],
        f"/events/{event.slug}/register": ["country", *person_form(1)],
    }
    for url, names in forms.items():
        for value in HOSTILE:
            # Each hostile value in every field at once, then in each field alone among good ones.
            data = {"csrf_token": token, **dict.fromkeys(names, value)}
            assert client.post(url, data=data).status_code < 500, (url, value[:20])
        for name in names:
            data = {"csrf_token": token, **person_form(2), name: "\x00"}
            assert client.post(url, data=data).status_code < 500, (url, name)
    for url in (f"{link}/delegates/99999999999999999999", f"{link}/files/99999999999999999999",
                f"{link}/side-events/99999999999999999999/1", "/delegation/" + "x" * 5000,
                f"/events/{event.slug}/register?lang=%00"):  # fmt: skip
        assert client.get(url).status_code < 500, url


def statements_of(send):
    """A request (send() makes it) and the SQL statements it ran."""
    from sqlalchemy import event as sql_event

    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    sql_event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = send()
    finally:
        sql_event.remove(db.engine, "before_cursor_execute", count)
    return response, statements


def test_the_delegation_page_queries_do_not_grow_with_its_members(app, client):
    _event, _country, (ministry, _) = setup_state(app, max_delegation_size=10)
    link = link_of(ministry)
    submit(client, link, **INTENT)
    submit(client, link + "/delegates/new", **person_form(1, role="head"))
    submit(client, link + "/delegates", link + "/submit")

    def queries() -> int:
        response, statements = statements_of(lambda: client.get(link + "/delegates"))
        assert response.status_code == 200
        return len(statements)

    # With no recorded change, the link's statement says so and the list costs nothing.
    assert queries() == 1
    assert "Changes since submission" not in text_of(client.get(link + "/delegates"))
    submit(client, link + "/delegates/new", **person_form(2))  # a recorded change
    assert "Changes since submission" in text_of(client.get(link + "/delegates"))
    few = queries()
    for number in range(3, 8):  # five more delegates, each a recorded change
        submit(client, link + "/delegates/new", **person_form(number))
    assert len(db.session.scalars(select(DelegationChange)).all()) == 6
    assert queries() == few == 2
    assert "Given7 Family7" in text_of(client.get(link + "/delegates")).split("Changes since")[1]


def test_the_side_events_page_reads_the_places_in_one_statement(app, client):
    """The personal link no longer joins each member's places: the page reads them at once."""
    from plenary.registration import side_events

    event, country, (ministry, _) = setup_state(app, max_delegation_size=10)
    reception = side_event(event, capacity=10)
    delegation = delegations.ensure_delegation(event, country.id, None)
    first = delegations.add_delegate(delegation, person(1), actor="t")
    received(delegation)
    side_events.sign_up(reception, first, actor="t")
    db.session.commit()
    link = link_of(ministry)

    def page() -> tuple[str, int]:
        response, statements = statements_of(lambda: client.get(link + "/side-events"))
        assert response.status_code == 200
        return text_of(response), len(statements)

    shown, few = page()
    assert shown.count("Has a place") == 1
    for number in range(2, 7):
        other = delegations.add_delegate(delegation, person(number), actor="t")
        side_events.sign_up(reception, other, actor="t")
    db.session.commit()
    shown, many = page()
    assert shown.count("Has a place") == 6
    assert many == few


def test_each_request_of_the_flow_keeps_to_its_statements(app, client):
    """The link, its State, event and delegation come in one statement, whatever the page.
    bench/registration_rush.py measures the same flow under load."""
    _event, _country, (ministry, _) = setup_state(app, max_delegation_size=10)
    link = link_of(ministry)

    def sender(statement: str) -> bool:
        """The outbox's sending, which runs inside the request only in tests (no broker)."""
        touched = re.search(r"\b(?:FROM|UPDATE|INTO) outbox_\w+", statement)
        return touched is not None and not statement.startswith("INSERT INTO outbox_message")

    def measured(send) -> int:
        response, statements = statements_of(send)
        assert response.status_code in (200, 302)
        return len([statement for statement in statements if not sender(statement)])

    opened = measured(lambda: client.get(link, headers=BROWSER))  # counted: one UPDATE more
    reopened = measured(lambda: client.get(link, headers=BROWSER))
    token = csrf_token(client, link)
    answered = measured(lambda: client.post(link, data={"csrf_token": token, **INTENT}))
    added = [
        measured(lambda n=n: client.post(link + "/delegates/new", data={
            "csrf_token": token, **person_form(n, role="head" if n == 1 else "member")}))
        for n in range(1, 4)
    ]  # fmt: skip
    shown = measured(lambda: client.get(link + "/delegates"))
    submitted = measured(lambda: client.post(link + "/submit", data={"csrf_token": token}))
    assert db.session.scalar(select(Delegation.state)) == DelegationState.SUBMITTED
    # One statement: the invitation with its addressee, State, circular and event, and the
    # delegation with its members and whether it has recorded changes (a draft has none);
    # the first opening is counted.
    assert reopened == 1 and opened == 2 and shown == 1
    # Locking a delegation on SQLite (this test's database) takes one more statement: the
    # write that takes the database's lock (`lock_delegation`); PostgreSQL locks the row.
    lock = 1 if db.engine.dialect.name == "sqlite" else 0
    # + the first answer finds no delegation, creates it, reads it back, locks it, audits it,
    # and writes to the other office (its invitation, its addressee, the email)
    assert answered == 10 + lock
    # + the email's uniqueness, the place (and version) taken, the person, the audit entry
    assert added == [5, 5, 5]
    # + the lock (with the members), audit, state, the offices to write to, the email, and
    # the changes it confirms
    assert submitted == 7 + lock


def test_the_link_reads_the_delegation_of_its_own_party_only(app, client):
    """A State's office and an organisation, invited to the same event: each link's single
    statement finds its own party's delegation, never the other's."""
    from plenary.models import Organisation
    from tests.factories import make_addressee, make_circular

    event, _country, (ministry, _) = setup_state(app)
    organisation = Organisation(acronym="OAPI", names={"en": "African Intellectual Property"})
    db.session.add(organisation)
    office = make_addressee(None, kind="organisation", email="dg@oapi.example",
                            organisation=organisation, full_name="Mr Denis Bohoussou")  # fmt: skip
    circular = make_circular(event, reference="CL-26/23")
    invitation = Invitation(circular=circular, addressee=office, language="en")
    db.session.add(invitation)
    db.session.commit()
    state_link, organisation_link = link_of(ministry), link_of(invitation)
    other = app.test_client()  # the organisation's browser

    submit(client, state_link, **INTENT)
    submit(client, state_link + "/delegates/new", **person_form(1, role="head"))
    page = text_of(other.get(organisation_link + "/delegates"))
    assert "Family1" not in page and "No one is registered yet." in page

    submit(other, organisation_link, **{**INTENT, "focal_point_email": "dg@oapi.example"})
    submit(other, organisation_link + "/delegates/new",
           **person_form(2, role="head", family_name="Traore"))  # fmt: skip
    organisation_page = text_of(other.get(organisation_link + "/delegates"))
    state_page = text_of(client.get(state_link + "/delegates"))
    assert "Traore" in organisation_page and "Family1" not in organisation_page
    assert "Family1" in state_page and "Traore" not in state_page
    parties = db.session.execute(
        select(Delegation.country_id, Delegation.organisation_id).order_by(Delegation.id)
    ).all()
    assert parties == [(ministry.addressee.country_id, None), (None, organisation.id)]


def test_the_link_leaves_the_long_texts_unread(app, client):
    """The letter's texts and the event's description, up to six languages each, are for
    other pages: the link's statement leaves them, since its joined rows would repeat them
    for each member of the delegation. A page that needs one reads it then."""
    from sqlalchemy import inspect

    from plenary.registration.access import _link_records

    event, _country, (ministry, _) = setup_state(app, description={"en": "A long description"})
    link = link_of(ministry)
    submit(client, link, **INTENT)
    submit(client, link + "/delegates/new", **person_form(1, role="head"))
    invitation_id = ministry.id
    db.session.expunge_all()

    invitation, delegation = _link_records(invitation_id)

    event = invitation.circular.event
    assert {"description"} <= inspect(event).unloaded
    assert {"body", "subject", "salutation"} <= inspect(invitation.circular).unloaded
    assert [d.family_name for d in delegation.delegates] == ["Family1"]
    assert event.description == {"en": "A long description"}  # read when asked for
