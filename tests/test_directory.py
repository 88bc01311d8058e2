"""The directory of addressees: kept by staff, imported and exported as CSV, seeded for the demo."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import func, select

import plenary.invitations.seed  # noqa: F401  (registers the directory's demo steps)
from plenary import create_app, seed
from plenary.extensions import db
from plenary.invitations import directory, directory_csv
from plenary.invitations.models import Addressee, AddresseeKind
from plenary.models import AuditEntry, Country, Event, Organisation, TemporaryFile, utcnow
from plenary.registration.models import Delegation, DelegationState
from tests.conftest import base_settings, csrf_token, submit
from tests.factories import make_user, sign_in

LIST = "/secretariat/invitations/addressees"
NEW = f"{LIST}/new"
IMPORT = f"{LIST}/import"
CONFIRM = f"{LIST}/import/confirm"
EXPORT = f"{LIST}/export"
HEADER = "kind,country,organisation,honorific,full_name,title,email,language,city"


# --- small factories ----------------------------------------------------------------------


def make_country(code: str, name: str, region: str = "europe", **names: str) -> Country:
    country = Country(code=code, names={"en": name, **names}, region=region)
    db.session.add(country)
    db.session.commit()
    return country


def make_organisation(acronym: str, name: str) -> Organisation:
    organisation = Organisation(acronym=acronym, names={"en": name})
    db.session.add(organisation)
    db.session.commit()
    return organisation


def make_addressee(
    country: Country | None = None,
    kind: AddresseeKind = AddresseeKind.ADMINISTRATION,
    emails: tuple[str, ...] = (),
    **fields,
) -> Addressee:
    details = directory.AddresseeDetails(
        kind=kind,
        country_id=country.id if country is not None else None,
        emails=list(emails),
        full_name=fields.pop("full_name", "The Minister for Foreign Affairs"),
        **fields,
    )
    addressee = directory.create_addressee(details, actor="test")
    db.session.commit()
    return addressee


def addressees() -> list[Addressee]:
    return list(db.session.scalars(select(Addressee).order_by(Addressee.id)))


def signed_in_staff(client):
    make_user("staff@example.org")
    sign_in(client, "staff@example.org")


def page_of(response) -> str:
    return response.get_data(as_text=True)


def csv_bytes(*rows: str, header: str = HEADER, bom: bool = False) -> bytes:
    text = "\r\n".join([header, *rows]) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


@pytest.fixture(autouse=True)
def english(app):
    """Operations called outside a request speak English, as the command line does."""
    with force_locale("en"):
        yield


@pytest.fixture
def estonia(app) -> Country:
    return make_country("EE", "Estonia", "europe", ru="Эстония")


@pytest.fixture
def signed_in(client):
    signed_in_staff(client)
    return client


# --- create, edit, deactivate -------------------------------------------------------------


def test_staff_adds_a_permanent_mission_with_several_addresses(signed_in, estonia):
    response = submit(
        signed_in,
        NEW,
        kind="mission",
        country_id=str(estonia.id),
        organisation_id="",
        honorific="H.E.",
        full_name="Ms Kadri Tamm",
        title="Permanent Representative",
        emails="Mission.Geneva@EXAMPLE.ee; copy@example.ee\nsecond@example.ee",
        language="en",
        city="Geneva",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == LIST
    [mission] = addressees()
    assert mission.email == "mission.geneva@example.ee"
    assert mission.other_emails == ["copy@example.ee", "second@example.ee"]
    assert (mission.kind, mission.country, mission.city) == ("mission", estonia, "Geneva")
    page = page_of(signed_in.get(LIST))
    assert "Ms Kadri Tamm is in the directory." in page
    assert "mission.geneva@example.ee" in page and "Estonia" in page
    entry = db.session.scalar(select(AuditEntry).filter_by(action="addressee.create"))
    assert entry.object_id == str(mission.id) and entry.user.email == "staff@example.org"


def test_errors_are_shown_next_to_their_fields_and_nothing_is_saved(signed_in, estonia):
    response = submit(
        signed_in,
        NEW,
        kind="mission",
        country_id="",
        organisation_id="",
        full_name="",
        emails="good@example.org, not-an-address",
        language="en",
    )
    page = page_of(response)
    assert response.status_code == 400
    assert '<p class="error" id="country_id-error">Choose the Member State.</p>' in page
    assert '<p class="error" id="full_name-error">Write the name, or the function.</p>' in page
    assert (
        '<p class="error" id="emails-error">Not a valid email address: not-an-address.</p>' in page
    )
    assert addressees() == []
    assert (
        db.session.scalar(select(func.count(AuditEntry.id)).filter_by(action="addressee.create"))
        == 0
    )


def test_an_organisation_addressee_needs_its_organisation(signed_in):
    response = submit(
        signed_in,
        NEW,
        kind="organisation",
        country_id="",
        organisation_id="",
        full_name="The Director General",
        emails="dg@example.int",
        language="fr",
    )
    assert response.status_code == 400
    assert '<p class="error" id="organisation_id-error">Choose the organisation.</p>' in page_of(
        response
    )
    assert addressees() == []


def test_an_address_already_in_the_directory_is_refused_next_to_the_emails(signed_in, estonia):
    make_addressee(estonia, emails=("ministry@example.ee",))
    response = submit(
        signed_in,
        NEW,
        kind="mission",
        country_id=str(estonia.id),
        organisation_id="",
        full_name="The Permanent Representative",
        emails="MINISTRY@example.ee",
        language="en",
    )
    assert response.status_code == 400
    assert (
        '<p class="error" id="emails-error">ministry@example.ee is already the address of '
        "another addressee.</p>" in page_of(response)
    )
    assert len(addressees()) == 1


def test_the_database_constraint_backs_up_the_email_check(app, estonia, monkeypatch):
    make_addressee(estonia, emails=("ministry@example.ee",))
    # As if another request had saved the same address between the check and the insert.
    monkeypatch.setattr(directory, "_email_owner", lambda *args, **kwargs: None)
    details = directory.AddresseeDetails(
        kind=AddresseeKind.MISSION,
        country_id=estonia.id,
        full_name="Someone",
        emails=["ministry@example.ee"],
    )
    with pytest.raises(directory.EmailTaken):
        directory.create_addressee(details, actor="test")
    db.session.commit()
    assert [item.kind for item in addressees()] == ["administration"]
    assert (
        db.session.scalar(select(func.count(AuditEntry.id)).filter_by(action="addressee.create"))
        == 1
    )


def test_staff_edits_an_addressee(signed_in, estonia):
    addressee = make_addressee(estonia, emails=("old@example.ee",))
    edit = f"{LIST}/{addressee.id}/edit"
    page = page_of(signed_in.get(edit))
    assert "old@example.ee" in page and 'value="The Minister for Foreign Affairs"' in page
    response = submit(
        signed_in,
        edit,
        kind="administration",
        country_id=str(estonia.id),
        organisation_id="",
        honorific="H.E.",
        full_name="Mr Margus Tsahkna",
        title="Minister of Foreign Affairs",
        emails="new@example.ee",
        language="ru",
        city="Tallinn",
    )
    assert response.status_code == 302
    db.session.refresh(addressee)
    assert (addressee.full_name, addressee.email, addressee.language) == (
        "Mr Margus Tsahkna",
        "new@example.ee",
        "ru",
    )
    entry = db.session.scalar(select(AuditEntry).filter_by(action="addressee.update"))
    assert entry.details["changes"]["email"] == ["old@example.ee", "new@example.ee"]


def test_editing_to_another_addressees_email_is_refused_and_changes_nothing(signed_in, estonia):
    make_addressee(estonia, emails=("taken@example.ee",))
    mission = make_addressee(estonia, AddresseeKind.MISSION, emails=("mission@example.ee",))
    response = submit(
        signed_in,
        f"{LIST}/{mission.id}/edit",
        kind="mission",
        country_id=str(estonia.id),
        organisation_id="",
        full_name="Changed",
        emails="taken@example.ee",
        language="en",
    )
    assert response.status_code == 400
    assert "taken@example.ee is already the address of another addressee." in page_of(response)
    db.session.refresh(mission)
    assert (mission.full_name, mission.email) == (
        "The Minister for Foreign Affairs",
        "mission@example.ee",
    )


def test_staff_deactivates_and_reactivates_an_addressee(signed_in, estonia):
    addressee = make_addressee(estonia, emails=("ministry@example.ee",))
    response = submit(signed_in, LIST, f"{LIST}/{addressee.id}/deactivate", next=f"{LIST}?q=est")
    assert response.headers["Location"] == f"{LIST}?q=est"
    db.session.refresh(addressee)
    assert addressee.active is False
    page = page_of(signed_in.get(LIST))
    assert "will receive no more circulars" in page
    assert '<span class="badge badge-inactive">inactive</span>' in page
    assert "Reactivate" in page

    submit(signed_in, LIST, f"{LIST}/{addressee.id}/activate", next="https://evil.example/")
    db.session.refresh(addressee)
    assert addressee.active is True
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["addressee.deactivate", "addressee.activate"]


def test_every_directory_page_sends_anonymous_visitors_to_sign_in(app, client):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(LIST)]
    assert {rule.endpoint for rule in rules} >= {
        "invitations.addressee_list",
        "invitations.addressee_create",
        "invitations.addressee_edit",
        "invitations.addressee_deactivate",
        "invitations.addressee_activate",
        "invitations.addressee_import",
        "invitations.addressee_import_confirm",
        "invitations.addressee_export",
    }
    token = csrf_token(client, "/login")
    for rule in rules:
        url = re.sub(r"<(?:\w+:)?(\w+)>", "1", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 302, (method, url)
            assert response.headers["Location"].startswith("/login?next="), (method, url)


# --- the list -----------------------------------------------------------------------------


@pytest.fixture
def directory_of_three_states(app):
    estonia = make_country("EE", "Estonia", "europe")
    senegal = make_country("SN", "Senegal", "africa", fr="Sénégal")
    mexico = make_country("MX", "Mexico", "americas", es="México")
    eu = make_organisation("EU", "European Union")
    make_addressee(estonia, emails=("ministry@example.ee",))
    make_addressee(
        estonia, AddresseeKind.MISSION, full_name="Ms Kadri Tamm", emails=("mission@example.ee",)
    )
    make_addressee(senegal, language="fr", emails=("ministere@example.sn",))
    make_addressee(senegal, AddresseeKind.MISSION, language="fr")  # no address yet
    make_addressee(mexico, AddresseeKind.MISSION, language="es", emails=("mision@example.mx",))
    make_addressee(
        kind=AddresseeKind.ORGANISATION,
        organisation_id=eu.id,
        full_name="The Head of Delegation",
        emails=("delegation@example.eu",),
    )
    return {"EE": estonia, "SN": senegal, "MX": mexico}


def listed(client, query: str = "") -> list[str]:
    """The first email (or the badge) of each row of the list, in order."""
    page = page_of(client.get(f"{LIST}?{query}"))
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    rows = body.split("<tr")[1:]
    found = []
    for row in rows:
        match = re.search(r"[\w.]+@example\.\w+", row)
        found.append(match.group(0) if match else "not reachable")
    return found


def test_the_list_is_sorted_by_country_then_kind_with_counts(signed_in, directory_of_three_states):
    page = page_of(signed_in.get(LIST))
    assert listed(signed_in) == [
        "ministry@example.ee",
        "mission@example.ee",
        "mision@example.mx",
        "ministere@example.sn",
        "not reachable",
        "delegation@example.eu",
    ]
    assert "<dt>Addressees listed</dt><dd>6</dd>" in page
    assert "<dt>Not reachable (no email)</dt><dd>1</dd>" in page
    assert '<span class="badge badge-unreachable">not reachable</span>' in page


def test_the_list_is_filtered_and_searched(signed_in, directory_of_three_states):
    assert listed(signed_in, "kind=mission") == [
        "mission@example.ee",
        "mision@example.mx",
        "not reachable",
    ]
    assert listed(signed_in, "region=africa") == ["ministere@example.sn", "not reachable"]
    assert listed(signed_in, "language=es") == ["mision@example.mx"]
    assert listed(signed_in, "reach=unreachable") == ["not reachable"]
    assert len(listed(signed_in, "reach=reachable")) == 5
    assert listed(signed_in, "q=kadri") == ["mission@example.ee"]
    assert listed(signed_in, "q=MINISTERE") == ["ministere@example.sn"]
    assert listed(signed_in, "q=México") == ["mision@example.mx"]
    assert listed(signed_in, "q=EU") == ["delegation@example.eu"]
    assert listed(signed_in, "q=european") == ["delegation@example.eu"]
    assert listed(signed_in, "q=100%25") == []
    assert len(listed(signed_in, "kind=nonsense")) == 6  # an unknown value is no filter


def test_the_list_filters_active_and_inactive(signed_in, directory_of_three_states):
    mexico = db.session.scalar(select(Addressee).filter_by(email="mision@example.mx"))
    directory.set_active(mexico, False, actor="test")
    db.session.commit()
    assert listed(signed_in, "status=inactive") == ["mision@example.mx"]
    assert "mision@example.mx" not in listed(signed_in, "status=active")
    assert len(listed(signed_in)) == 6


def make_event() -> Event:
    today = utcnow().date()
    event = Event(
        slug="dialogue",
        title={"en": "Global Dialogue"},
        starts_on=today + timedelta(days=30),
        ends_on=today + timedelta(days=31),
    )
    db.session.add(event)
    db.session.commit()
    return event


def test_the_list_filters_states_that_answered_for_the_current_event(
    signed_in, directory_of_three_states
):
    event = make_event()
    states = directory_of_three_states
    db.session.add_all(
        [
            Delegation(
                event=event,
                country=states["EE"],
                participates=True,
                state=DelegationState.SUBMITTED,
            ),
            Delegation(event=event, country=states["SN"], state=DelegationState.DRAFT),
            Delegation(event=event, country=states["MX"], state=DelegationState.CANCELLED),
        ]
    )
    db.session.commit()
    assert listed(signed_in, "answered=answered") == ["ministry@example.ee", "mission@example.ee"]
    assert listed(signed_in, "answered=not_answered") == [
        "mision@example.mx",
        "ministere@example.sn",
        "not reachable",
        "delegation@example.eu",
    ]
    assert page_of(signed_in.get(LIST)).count('<span class="badge badge-answered">') == 2


def test_the_list_is_paginated_and_does_not_query_per_row(app, client):
    signed_in_staff(client)
    event = make_event()
    for number in range(30):
        country = Country(
            code=f"{chr(65 + number // 26)}{chr(65 + number % 26)}",
            names={"en": f"State {number:02d}"},
            region="asia",
        )
        db.session.add(country)
        db.session.flush()
        db.session.add(Delegation(event=event, country=country, participates=True))
        for kind in (AddresseeKind.ADMINISTRATION, AddresseeKind.MISSION):
            db.session.add(
                Addressee(
                    kind=kind,
                    country=country,
                    full_name="H.E.",
                    email=f"{kind.value}{number}@example.org",
                )
            )
    db.session.commit()
    db.session.expire_all()

    statements: list[str] = []

    def count(connection, cursor, statement, *args):
        statements.append(statement)

    sqlalchemy_event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(LIST)
    finally:
        sqlalchemy_event.remove(db.engine, "before_cursor_execute", count)
    page = page_of(response)
    assert response.status_code == 200
    assert page.count("badge-answered") == 50
    assert "Page 1 of 2" in page and "<dt>Addressees listed</dt><dd>60</dd>" in page
    assert len(statements) <= 10, "\n".join(statements)
    assert len(listed(client, "page=2")) == 10


# --- CSV import ---------------------------------------------------------------------------


@pytest.fixture
def states(app) -> dict[str, Country]:
    return {
        "EE": make_country("EE", "Estonia", "europe"),
        "FR": make_country("FR", "France", "europe", fr="France"),
        "SV": make_country("SV", "El Salvador", "americas"),
    }


@pytest.fixture
def eu(app) -> Organisation:
    return make_organisation("EU", "European Union")


def test_a_good_file_creates_new_addressees_and_updates_those_it_finds_by_email(states, eu):
    make_addressee(states["EE"], emails=("ministry@example.ee",), language="en")
    data = csv_bytes(
        "administration,ee,,H.E.,Mr Margus Tsahkna,Minister,MINISTRY@example.ee,ru,Tallinn",
        "mission,FR,,S.E.,M. le Représentant permanent,,"
        "mission@example.fr;copie@example.fr,fr,Genève",
        "organisation,,eu,,The Head of Delegation,,delegation@example.eu,en,Geneva",
    )
    report = directory_csv.import_addressees(data, actor="test")
    db.session.commit()
    assert report.ok and report.imported
    assert [row.action for row in report.rows] == ["update", "new", "new"]
    assert report.rows[0].changes == {
        "full_name": ("The Minister for Foreign Affairs", "Mr Margus Tsahkna"),
        "honorific": ("", "H.E."),
        "title": ("", "Minister"),
        "language": ("en", "ru"),
        "city": ("", "Tallinn"),
    }
    estonia, france, eu_delegation = addressees()
    assert (estonia.full_name, estonia.language, estonia.email) == (
        "Mr Margus Tsahkna",
        "ru",
        "ministry@example.ee",
    )
    assert (france.kind, france.country, france.full_name) == (
        "mission",
        states["FR"],
        "M. le Représentant permanent",
    )
    assert france.recipients == ["mission@example.fr", "copie@example.fr"]
    assert (eu_delegation.organisation, eu_delegation.country) == (eu, None)
    [entry] = db.session.scalars(select(AuditEntry).filter_by(action="addressee.import"))
    assert entry.details == {"rows": 3, "created": 2, "updated": 1, "unchanged": 0}


# Each bad row comes after a good row and a blank one: it is row 4, as a spreadsheet shows it.
BAD_ROWS = [
    ("bureau,EE,,,Someone,,a@example.ee,en,",
     "Row 4, kind: Unknown kind “bureau”: use administration, mission, organisation."),
    ("administration,XX,,,Someone,,a@example.ee,en,",
     "Row 4, country: Unknown country code “XX”."),
    ("mission,,,,Someone,,a@example.ee,en,",
     "Row 4, country: A country is required for an administration or a mission."),
    ("organisation,EE,EU,,Someone,,a@example.ee,en,",
     "Row 4, country: Leave the country empty for an organisation."),
    ("organisation,,WHO,,Someone,,a@example.ee,en,",
     "Row 4, organisation: Unknown organisation “WHO”."),
    ("organisation,,,,Someone,,a@example.ee,en,",
     "Row 4, organisation: An organisation is required for this kind."),
    ("administration,EE,,,Someone,,not-an-email,en,",
     "Row 4, email: Not a valid email address: not-an-email."),
    ("administration,EE,,,Someone,,a@example.ee,de,",
     "Row 4, language: Unknown language “de”: use ar, zh, en, fr, ru, es."),
    ("administration,EE,,,,,a@example.ee,en,",
     "Row 4, full_name: The full name is missing."),
    ("administration,EE,,,Someone,,a@example.ee,en,,extra",
     "Row 4: This row has 10 cells but the first row names 9 columns."),
]  # fmt: skip


@pytest.mark.parametrize("bad_row,message", BAD_ROWS)
def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_imported(
    states, eu, bad_row, message
):
    data = csv_bytes("mission,FR,,,Good row,,good@example.fr,fr,", "", bad_row)
    report = directory_csv.import_addressees(data, actor="test")
    db.session.commit()
    assert not report.imported
    assert [str(problem) for problem in report.problems] == [message]
    assert addressees() == []


def test_an_email_twice_in_the_file_is_reported_on_its_second_row(states):
    data = csv_bytes(
        "administration,EE,,,A,,same@example.org,en,",
        "mission,FR,,,B,,Same@Example.org,fr,Geneva",
    )
    report = directory_csv.import_addressees(data, actor="test")
    assert [str(problem) for problem in report.problems] == [
        "Row 3, email: This email is also on row 2."
    ]
    assert addressees() == []


@pytest.mark.parametrize(
    "header,message",
    [
        (HEADER + ",phone,fax", "Row 1: Unknown columns: “phone”, “fax”."),
        ("kind,country,full_name,language", "Row 1: Missing columns: “organisation”, “email”."),
        (HEADER + ",email", "Row 1: Columns named twice: “email”."),
    ],
)
def test_wrong_columns_are_named(states, header, message):
    report = directory_csv.import_addressees(csv_bytes(header=header), actor="test")
    assert [str(problem) for problem in report.problems] == [message]


def test_a_file_with_a_byte_order_mark_is_read(states):
    data = csv_bytes("administration,EE,,,Someone,,a@example.ee,en,", bom=True)
    assert data.startswith(b"\xef\xbb\xbfkind,")
    report = directory_csv.import_addressees(data, actor="test")
    assert report.imported and [row.action for row in report.rows] == ["new"]


def test_a_file_saved_by_excel_with_semicolons_is_read(states):
    data = csv_bytes(
        'mission;FR;;S.E.;M. le Représentant;;"mission@example.fr; copie@example.fr";fr;Genève',
        header=HEADER.replace(",", ";"),
        bom=True,
    )
    report = directory_csv.import_addressees(data, actor="test")
    assert report.imported
    assert addressees()[0].recipients == ["mission@example.fr", "copie@example.fr"]


def test_a_file_that_is_not_utf8_is_refused(states):
    data = csv_bytes("administration,FR,,,Ministère,,a@example.fr,fr,").decode().encode("latin-1")
    report = directory_csv.import_addressees(data, actor="test")
    assert [str(problem) for problem in report.problems] == [
        "The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."
    ]


def test_too_large_files_are_refused(states):
    rows = [f"administration,EE,,,Someone,,a{number}@example.ee,en," for number in range(5001)]
    too_many = directory_csv.read_import(csv_bytes(*rows))
    assert [str(problem) for problem in too_many.problems] == [
        "The file has 5001 rows; at most 5000 can be imported at once. "
        "Split it and import each part."
    ]
    too_big = directory_csv.read_import(csv_bytes("x" * (2 * 1024 * 1024)))
    assert (
        str(too_big.problems[0]) == "The file is larger than 2 MB. Split it and import each part."
    )


def test_optional_columns_left_out_keep_what_the_directory_has(states):
    addressee = make_addressee(states["EE"], emails=("m@example.ee",), city="Tallinn", title="T")
    data = csv_bytes(
        "administration,EE,,Other Name,m@example.ee,en",
        header="kind,country,organisation,full_name,email,language",
    )
    report = directory_csv.import_addressees(data, actor="test")
    db.session.commit()
    assert report.rows[0].changes == {
        "full_name": ("The Minister for Foreign Affairs", "Other Name")
    }
    db.session.refresh(addressee)
    assert (addressee.full_name, addressee.city, addressee.title) == ("Other Name", "Tallinn", "T")


def upload(client, data: bytes, name: str = "addressees.csv"):
    return submit(client, IMPORT, file=(io.BytesIO(data), name))


def confirm_token(page: str) -> str:
    return re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)


def test_staff_previews_an_import_then_confirms_it(signed_in, states):
    make_addressee(states["EE"], emails=("ministry@example.ee",))
    data = csv_bytes(
        "administration,EE,,H.E.,Mr Margus Tsahkna,,ministry@example.ee,en,",
        "mission,SV,,,The Permanent Representative,,mision@example.sv,es,Geneva",
    )
    preview = upload(signed_in, data)
    page = page_of(preview)
    assert preview.status_code == 200
    assert "Nothing is saved yet. 1 new, 1 updated, 0 unchanged." in page
    assert "<code>full_name</code>: <del>The Minister for Foreign Affairs</del>" in page
    assert "<ins>Mr Margus Tsahkna</ins>" in page
    assert '<span class="badge">new</span>' in page
    assert len(addressees()) == 1  # the preview saves nothing

    response = submit(signed_in, LIST, CONFIRM, token=confirm_token(page))
    assert response.status_code == 302 and response.headers["Location"] == LIST
    assert "Imported: 1 new, 1 updated, 0 unchanged." in page_of(signed_in.get(LIST))
    assert sorted(item.email for item in addressees()) == [
        "ministry@example.ee",
        "mision@example.sv",
    ]
    # The same confirmation does not import twice.
    again = submit(signed_in, LIST, CONFIRM, token=confirm_token(page))
    assert again.status_code == 400
    assert "This import cannot be confirmed. Upload the file again." in page_of(again)


def test_a_bad_upload_lists_its_problems_and_offers_no_confirmation(signed_in, states):
    response = upload(signed_in, csv_bytes("administration,ZZ,,,Someone,,a@example.ee,en,"))
    page = page_of(response)
    assert response.status_code == 400
    assert "Nothing was imported" in page
    assert "<td>2</td><td>country</td>" in page and "Unknown country code “ZZ”." in page
    assert 'name="token"' not in page


def test_a_tampered_confirmation_is_refused(signed_in, states, app):
    page = page_of(upload(signed_in, csv_bytes("administration,EE,,,A,,a@example.ee,en,")))
    token = confirm_token(page)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = submit(signed_in, LIST, CONFIRM, token=forged)
    assert response.status_code == 400
    assert "This import cannot be confirmed. Upload the file again." in page_of(response)
    # Nor is the file on the server trusted if it changed after the check.
    [kept] = db.session.scalars(db.select(TemporaryFile))
    kept.data = csv_bytes("administration,EE,,,A,,a@example.ee,en,", "bad,row")
    db.session.commit()
    assert submit(signed_in, LIST, CONFIRM, token=token).status_code == 400
    assert addressees() == []


def test_the_confirmation_checks_the_file_again(signed_in, states, eu):
    page = page_of(upload(signed_in, csv_bytes("organisation,,EU,,Head,,head@example.eu,en,")))
    db.session.delete(eu)  # the organisation disappears between the preview and the import
    db.session.commit()
    response = submit(signed_in, LIST, CONFIRM, token=confirm_token(page))
    assert response.status_code == 400
    assert "Unknown organisation “EU”." in page_of(response)
    assert addressees() == []


# --- CSV export ---------------------------------------------------------------------------


def test_an_export_imported_again_changes_nothing(signed_in, states, eu):
    make_addressee(states["EE"], emails=("ministry@example.ee", "cc@example.ee"), title="Minister")
    make_addressee(
        states["FR"],
        AddresseeKind.MISSION,
        honorific="S.E.",
        language="fr",
        full_name="Mme la Représentante, « permanente »",
        city="Genève",
    )
    make_addressee(
        kind=AddresseeKind.ORGANISATION,
        organisation_id=eu.id,
        full_name="Head",
        emails=("head@example.eu",),
        title="=SUM(A1:A9)",
    )
    before = [(item.id, item.updated_at) for item in addressees()]
    response = signed_in.get(EXPORT)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="addressees-')
    assert response.data.startswith(b"\xef\xbb\xbf" + HEADER.encode())

    report = directory_csv.import_addressees(response.data, actor="test")
    db.session.commit()
    assert report.ok
    assert [row.action for row in report.rows] == ["unchanged"] * 3
    assert [(item.id, item.updated_at) for item in addressees()] == before


def test_the_export_follows_the_filters(signed_in, states):
    make_addressee(states["EE"], emails=("ministry@example.ee",))
    make_addressee(states["FR"], emails=("ministere@example.fr",), language="fr")
    text = signed_in.get(f"{EXPORT}?language=fr").data.decode("utf-8-sig")
    assert text.splitlines() == [
        HEADER,
        "administration,FR,,,The Minister for Foreign Affairs,,ministere@example.fr,fr,",
    ]


def test_a_cell_that_would_run_as_a_formula_is_exported_as_text(signed_in, states):
    make_addressee(
        states["EE"],
        emails=("m@example.ee",),
        honorific="@SUM(1)",
        full_name='=HYPERLINK("http://evil.example","Click")',
        title="+1",
        city="-2",
    )
    text = signed_in.get(EXPORT).data.decode("utf-8-sig")
    row = text.splitlines()[1]
    assert row == (
        'administration,EE,,\'@SUM(1),"\'=HYPERLINK(""http://evil.example"",""Click"")",'
        "'+1,m@example.ee,en,'-2"
    )


# --- the command line ---------------------------------------------------------------------


def test_the_import_command_imports_a_good_file(app, states, tmp_path):
    file = tmp_path / "addressees.csv"
    file.write_bytes(csv_bytes("mission,EE,,,The Permanent Representative,,m@example.ee,en,Geneva"))
    result = app.test_cli_runner().invoke(args=["invitations", "import-addressees", str(file)])
    assert result.exit_code == 0, result.output
    assert "Row 2: new (mission, EE, m@example.ee)" in result.output
    assert "1 new, 0 updated, 0 unchanged. Imported." in result.output
    db.session.remove()
    assert [item.email for item in addressees()] == ["m@example.ee"]
    entry = db.session.scalar(select(AuditEntry).filter_by(action="addressee.import"))
    assert entry.actor == "flask invitations import-addressees"


def test_the_import_command_dry_run_shows_what_would_change(app, states, tmp_path):
    make_addressee(states["EE"], emails=("m@example.ee",))
    file = tmp_path / "addressees.csv"
    file.write_bytes(csv_bytes("administration,EE,,,New Name,,m@example.ee,en,"))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["invitations", "import-addressees", "--dry-run", str(file)])
    assert result.exit_code == 0
    assert "Row 2: update (full_name: The Minister for Foreign Affairs → New Name)" in result.output
    assert "Dry run: nothing imported." in result.output
    db.session.remove()
    assert addressees()[0].full_name == "The Minister for Foreign Affairs"


def test_the_import_command_fails_with_the_report_when_a_row_is_bad(app, states, tmp_path):
    file = tmp_path / "addressees.csv"
    file.write_bytes(
        csv_bytes(
            "administration,EE,,,Good,,good@example.ee,en,",
            "administration,XX,,,Bad,,bad@example.ee,en,",
            "mission,EE,,,Bad,,bad email,en,",
        )
    )
    result = app.test_cli_runner().invoke(args=["invitations", "import-addressees", str(file)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Row 3, country: Unknown country code “XX”.",
        "Row 4, email: Not a valid email address: bad, email.",
        "Nothing imported: 2 problems.",
    ]
    db.session.remove()
    assert addressees() == []


def test_the_export_command_writes_a_file_the_import_reads_back_unchanged(app, states, tmp_path):
    make_addressee(states["EE"], emails=("m@example.ee",))
    make_addressee(states["SV"], AddresseeKind.MISSION)  # not reachable: no address
    file = tmp_path / "export.csv"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["invitations", "export-addressees", str(file)])
    assert result.exit_code == 0 and "2 addressees written" in result.output
    assert file.read_bytes().startswith(b"\xef\xbb\xbf")
    result = runner.invoke(args=["invitations", "import-addressees", str(file)])
    assert "0 new, 0 updated, 2 unchanged. Imported." in result.output


# --- the demo -----------------------------------------------------------------------------


def test_the_demo_seeds_two_addressees_per_member_state_and_is_safe_twice(app):
    seed.seed_demo()
    seed.seed_demo()
    member_states = db.session.scalar(select(func.count(Country.id)).where(Country.member_state))
    assert member_states == 193
    assert db.session.scalar(select(func.count(Addressee.id))) == 386
    estonia = db.session.scalar(select(Addressee).filter_by(email="mission.ee@example.org"))
    assert (estonia.kind, estonia.country.code, estonia.city) == ("mission", "EE", "Geneva")
    assert (estonia.honorific, estonia.full_name) == ("H.E.", "The Permanent Representative")
    administration = db.session.scalar(
        select(Addressee).filter_by(email="administration.ee@example.org")
    )
    assert (administration.full_name, administration.city) == (
        "The Minister for Foreign Affairs",
        "",
    )
    languages = {
        code: db.session.scalar(
            select(Addressee.language).filter_by(email=f"administration.{code}@example.org")
        )
        for code in ("fr", "sn", "mx", "eg", "kz", "cn", "ee", "br")
    }
    assert languages == {
        "fr": "fr",
        "sn": "fr",
        "mx": "es",
        "eg": "ar",
        "kz": "ru",
        "cn": "zh",
        "ee": "en",
        "br": "en",
    }
    organisations = {item.acronym: item for item in db.session.scalars(select(Organisation))}
    assert set(organisations) == {"OAPI", "ARIPO", "BOIP", "EAPO", "EPO", "EU", "EUIPO", "UPOV"}
    assert organisations["EAPO"].name("ru") == "Евразийская патентная организация"
    assert organisations["EU"].name("en") == "European Union"


def test_the_seeded_directory_lists_in_the_readers_language(signed_in):
    seed.seed_demo()
    page = page_of(signed_in.get(f"{LIST}?q=Эстония&lang=ru"))
    assert listed(signed_in, "q=Эстония") == [
        "administration.ee@example.org",
        "mission.ee@example.org",
    ]
    assert "<td>Эстония</td>" in page


@pytest.mark.postgres
def test_the_list_and_the_csv_work_on_postgresql(tmp_path, postgres_url):
    app = create_app(base_settings(tmp_path, DATABASE_URL=postgres_url))
    with app.app_context(), force_locale("en"):
        db.create_all()
        try:
            client = app.test_client()
            signed_in_staff(client)
            event = make_event()
            senegal = make_country("SN", "Senegal", "africa", fr="Sénégal")
            chile = make_country("CL", "Chile", "americas")
            make_addressee(senegal, language="fr", emails=("ministere@example.sn",))
            make_addressee(chile, AddresseeKind.MISSION, emails=("mision@example.cl",))
            make_addressee(chile)  # not reachable
            db.session.add(Delegation(event=event, country=chile, participates=False))
            db.session.commit()
            assert listed(client) == ["not reachable", "mision@example.cl", "ministere@example.sn"]
            assert listed(client, "q=Sénégal") == ["ministere@example.sn"]
            assert listed(client, "region=africa&reach=reachable") == ["ministere@example.sn"]
            assert listed(client, "answered=not_answered") == ["ministere@example.sn"]
            exported = client.get(EXPORT).data
            report = directory_csv.import_addressees(exported, actor="test")
            db.session.commit()
            assert [row.action for row in report.rows] == ["unchanged"] * 3
        finally:
            db.session.remove()
            db.engine.dispose()


def test_the_organisation_cell_names_a_state_addressee_s_institution_in_each_language(states):
    header = HEADER + ",title_ru,institution_ru,city_ru,full_name_ru"
    row = (
        "mission,EE,Permanent Mission of Estonia,H.E. Ms,Kaja Tamm,Permanent Representative,"
        "mission@example.ee,ru,Geneva,Постоянный представитель,"
        "Постоянное представительство Эстонии,Женева,Кая Тамм"
    )
    report = directory_csv.import_addressees(csv_bytes(row, header=header), actor="test")
    db.session.commit()

    assert report.imported, report.problems
    [addressee] = addressees()
    assert addressee.institution == "Permanent Mission of Estonia"
    assert addressee.text("institution", "ru") == "Постоянное представительство Эстонии"
    assert addressee.text("institution", "fr") == "Permanent Mission of Estonia"
    assert addressee.text("full_name", "ru") == "Кая Тамм"
    exported = directory_csv.export_csv([addressee])
    assert "institution_ru" in exported.splitlines()[0]
    assert "Permanent Mission of Estonia" in exported


def test_the_directory_opens_without_a_message_under_its_filters(signed_in, states):
    page = page_of(signed_in.get(LIST))
    assert "Not a valid choice" not in page
    page = page_of(signed_in.get(LIST + "?kind=nonsense&language=xx"))
    assert "Not a valid choice" not in page


def test_staff_give_an_addressee_its_institution_and_its_values_in_other_languages(
    signed_in, estonia
):
    response = submit(
        signed_in,
        NEW,
        kind="mission",
        country_id=str(estonia.id),
        organisation_id="",
        honorific="H.E. Ms",
        full_name="Kadri Tamm",
        title="Permanent Representative",
        institution="Permanent Mission of Estonia",
        emails="mission@example.ee",
        language="ru",
        city="Geneva",
        **{
            "texts_ru-full_name": "Кадри Тамм",
            "texts_ru-institution": "Постоянное представительство Эстонии",
            "texts_ru-city": "Женева",
        },
    )
    assert response.status_code == 302
    [mission] = addressees()
    assert mission.institution == "Permanent Mission of Estonia"
    assert mission.localised == {
        "full_name": {"ru": "Кадри Тамм"},
        "institution": {"ru": "Постоянное представительство Эстонии"},
        "city": {"ru": "Женева"},
    }
    form = page_of(signed_in.get(f"{LIST}/{mission.id}/edit"))
    assert 'value="Постоянное представительство Эстонии"' in form
