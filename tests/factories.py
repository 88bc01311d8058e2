"""Small factories: each test builds exactly the records it needs."""

from __future__ import annotations

from plenary.extensions import db
from plenary.models import Role, User
from plenary.users import create_user

PASSWORD = "correct horse battery staple"


def make_user(email: str = "staff@example.org", role: Role = Role.STAFF, **fields) -> User:
    user = create_user(email, role, password=PASSWORD, actor="test", **fields)
    db.session.commit()
    return user


def sign_in(client, email: str, password: str = PASSWORD):
    from tests.conftest import submit

    return submit(client, "/login", email=email, password=password)


def make_country(code: str = "EE", region: str = "europe", **names: str):
    from plenary.countries import member_states
    from plenary.models import Country

    known = {state.code: state for state in member_states()}
    country = Country(
        code=code,
        region=known[code].region if code in known else region,
        names=dict(known[code].names) if code in known else {"en": names.get("en", code)},
    )
    db.session.add(country)
    db.session.flush()
    return country


def make_event(**fields):
    from datetime import date

    from plenary.models import Event

    event = Event(
        slug=fields.pop("slug", "dialogue"),
        title=fields.pop("title", {"en": "Global Dialogue on AI Governance",
                                   "ru": "Глобальный диалог по вопросам управления ИИ"}),
        starts_on=date(2026, 7, 6),
        ends_on=date(2026, 7, 7),
        timezone="Europe/Zurich",
        venue="Palexpo",
        city="Geneva",
        inquiry_email="ai.dialogue@example.org",
        **fields,
    )  # fmt: skip
    db.session.add(event)
    db.session.flush()
    return event


def make_addressee(country=None, kind="administration", email=None, language="en", **fields):
    from plenary.invitations.models import Addressee, AddresseeKind

    addressee = Addressee(
        kind=AddresseeKind(kind),
        country=country,
        email=email,
        language=language,
        honorific=fields.pop("honorific", "H.E."),
        full_name=fields.pop("full_name", "Ms Kaja Tamm"),
        title=fields.pop("title", "Minister for Foreign Affairs"),
        city=fields.pop("city", "Tallinn"),
        **fields,
    )
    db.session.add(addressee)
    db.session.flush()
    return addressee


def make_circular(event, **fields):
    from datetime import date

    from plenary.invitations.models import Annex, Circular

    circular = Circular(
        event=event,
        reference=fields.pop("reference", "CL-26/22"),
        issued_on=date(2026, 4, 23),
        place={"en": "Geneva", "ru": "Женева"},
        sender_unit={"en": "General Secretariat (GS)", "ru": "Генеральный секретариат (ГС)"},
        addressed_to={"en": "Member States of ITU", "ru": "Государствам – Членам МСЭ"},
        subject=fields.pop("subject", {
            "en": "Global Dialogue on AI Governance, Palexpo, Geneva, 6-7 July 2026",
            "ru": "Глобальный диалог по вопросам управления ИИ, Palexpo, Женева, 6–7 июля",
        }),
        salutation={"en": "Dear Sir/Madam,", "ru": "Уважаемая госпожа, уважаемый господин,"},
        body=fields.pop("body", {
            "en": "I have the honour to inform you of the Dialogue.\n\nSecond paragraph.",
            "ru": "Имею честь сообщить вам о Диалоге.\n\nВторой абзац.",
        }),
        closing={"en": "Yours faithfully,", "ru": "С уважением,"},
        contact_name="Ms Sulyna Nur Abdullah",
        contact_email="chief.spm@example.org",
        signatory_name="Doreen Bogdan-Martin",
        signatory_title={"en": "Secretary-General", "ru": "Генеральный секретарь"},
        audience_kinds=fields.pop("audience_kinds", ["administration", "mission"]),
        **fields,
    )  # fmt: skip
    circular.annexes.append(
        Annex(
            position=1,
            title={"en": "Annex", "ru": "Приложение"},
            body={"en": "Excellency, I have the honour to invite you.",
                  "ru": "Ваше Превосходительство, имею честь пригласить вас."},
            address_block={"en": "{honorific}\n{full_name}\n{title}\n{country}\n{city}",
                           "ru": "{honorific}\n{full_name}\n{title}\n{country}\n{city}"},
        )
    )  # fmt: skip
    db.session.add(circular)
    db.session.flush()
    return circular
