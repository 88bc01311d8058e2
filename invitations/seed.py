"""Demo steps: the organisations, two addressees per Member State, and circular CL-26/22."""

from __future__ import annotations

import copy

from sqlalchemy import select

from plenary.extensions import db
from plenary.models import Country, Event, Organisation
from plenary.seed import DEMO_EVENT_SLUG, demo_step

from . import demo_texts as texts
from .models import Addressee, AddresseeKind, Annex, Circular

# The intergovernmental organisations at the second session of WIPO's High-Level Dialogue
# on ICT (WILD/2/2 Prov., introduction). Arabic and Chinese only where the organisation's
# own name in them is certain; the others fall back to English.
ORGANISATIONS = {
    "OAPI": {
        "en": "African Intellectual Property Organization",
        "fr": "Organisation africaine de la propriété intellectuelle",
        "es": "Organización Africana de la Propiedad Intelectual",
        "ru": "Африканская организация интеллектуальной собственности",
    },
    "ARIPO": {
        "en": "African Regional Intellectual Property Organization",
        "fr": "Organisation régionale africaine de la propriété intellectuelle",
        "es": "Organización Regional Africana de la Propiedad Intelectual",
        "ru": "Африканская региональная организация интеллектуальной собственности",
    },
    "BOIP": {
        "en": "Benelux Organization for Intellectual Property",
        "fr": "Organisation Benelux de la propriété intellectuelle",
        "es": "Organización Benelux de Propiedad Intelectual",
        "ru": "Организация интеллектуальной собственности Бенилюкса",
    },
    "EAPO": {
        "en": "Eurasian Patent Organization",
        "fr": "Organisation eurasienne des brevets",
        "es": "Organización Eurasiática de Patentes",
        "ru": "Евразийская патентная организация",
    },
    "EPO": {
        "en": "European Patent Organisation",
        "fr": "Organisation européenne des brevets",
        "es": "Organización Europea de Patentes",
        "ru": "Европейская патентная организация",
    },
    "EU": {
        "ar": "الاتحاد الأوروبي",
        "zh": "欧洲联盟",
        "en": "European Union",
        "fr": "Union européenne",
        "ru": "Европейский союз",
        "es": "Unión Europea",
    },
    "EUIPO": {
        "en": "European Union Intellectual Property Office",
        "fr": "Office de l'Union européenne pour la propriété intellectuelle",
        "es": "Oficina de Propiedad Intelectual de la Unión Europea",
        "ru": "Ведомство интеллектуальной собственности Европейского союза",
    },
    "UPOV": {
        "ar": "الاتحاد الدولي لحماية الأصناف النباتية الجديدة",
        "zh": "国际植物新品种保护联盟",
        "en": "International Union for the Protection of New Varieties of Plants",
        "fr": "Union internationale pour la protection des obtentions végétales",
        "ru": "Международный союз по охране новых сортов растений",
        "es": "Unión Internacional para la Protección de las Obtenciones Vegetales",
    },
}

# A first guess at each State's language of correspondence, for the Secretariat to correct.
# Comoros and Djibouti, Arab States that write to ITU in French, are with the francophones.
DEFAULT_LANGUAGES = {
    "fr": "BE BF BI BJ CD CF CG CH CI CM DJ FR GA GN HT KM LU MC MG ML NE SN TD TG",
    "es": "AR BO CL CO CR CU DO EC ES GQ GT HN MX NI PA PE PY SV UY VE",
    "ar": "AE BH DZ EG IQ JO KW LB LY MA MR OM QA SA SD SO SY TN YE",
    "ru": "AM AZ BY KG KZ RU TJ TM UZ",
    "zh": "CN",
}
_LANGUAGE_OF = {
    code: language for language, codes in DEFAULT_LANGUAGES.items() for code in codes.split()
}

# Placeholders that read as an address block in each language: "H.E. The Permanent
# Representative / Permanent Mission to the United Nations Office at Geneva / Estonia /
# Geneva", "常驻代表阁下 / 常驻联合国日内瓦办事处代表团 / 爱沙尼亚 / 日内瓦".
PLACEHOLDERS = {
    AddresseeKind.ADMINISTRATION: {
        "honorific": "H.E.",
        "full_name": "The Minister for Foreign Affairs",
        "title": "",
        "institution": "Ministry of Foreign Affairs",
        "city": "",
        "localised": {
            "full_name": {
                "ar": "وزير الخارجية",
                "zh": "外交部长",
                "fr": "le Ministre des affaires étrangères",
                "ru": "Министр иностранных дел",
                "es": "Ministro de Relaciones Exteriores",
            },
            "institution": {
                "ar": "وزارة الخارجية",
                "zh": "外交部",
                "fr": "Ministère des affaires étrangères",
                "ru": "Министерство иностранных дел",
                "es": "Ministerio de Relaciones Exteriores",
            },
        },
    },
    AddresseeKind.MISSION: {
        "honorific": "H.E.",
        "full_name": "The Permanent Representative",
        "title": "",
        "institution": "Permanent Mission to the United Nations Office at Geneva",
        "city": "Geneva",
        "localised": {
            "full_name": {
                "ar": "المندوب الدائم",
                "zh": "常驻代表",
                "fr": "le Représentant permanent",
                "ru": "Постоянный представитель",
                "es": "Representante Permanente",
            },
            "institution": {
                "ar": "البعثة الدائمة لدى مكتب الأمم المتحدة في جنيف",
                "zh": "常驻联合国日内瓦办事处代表团",
                "fr": "Mission permanente auprès de l'Office des Nations Unies à Genève",
                "ru": (
                    "Постоянное представительство при Отделении Организации "
                    "Объединенных Наций в Женеве"
                ),
                "es": "Misión Permanente ante la Oficina de las Naciones Unidas en Ginebra",
            },
            "city": {
                "ar": "جنيف",
                "zh": "日内瓦",
                "fr": "Genève",
                "ru": "Женева",
                "es": "Ginebra",
            },
        },
    },
}


def default_language(country_code: str) -> str:
    return _LANGUAGE_OF.get(country_code.upper(), "en")


def placeholder_email(kind: AddresseeKind, country_code: str) -> str:
    return f"{kind.value}.{country_code.lower()}@example.org"


@demo_step(15, "organisations")
def seed_organisations() -> str:
    existing = set(db.session.scalars(select(Organisation.acronym)))
    added = [acronym for acronym in ORGANISATIONS if acronym not in existing]
    for acronym in added:
        db.session.add(Organisation(acronym=acronym, names=dict(ORGANISATIONS[acronym])))
    return f"{len(added)} added, {len(existing)} already there"


@demo_step(40, "addressees")
def seed_addressees() -> str:
    """An administration and a Permanent Mission per Member State, at placeholder addresses."""
    existing = set(db.session.scalars(select(Addressee.email).where(Addressee.email.is_not(None))))
    added = 0
    for country in db.session.scalars(select(Country).where(Country.member_state)):
        for kind, placeholders in PLACEHOLDERS.items():
            email = placeholder_email(kind, country.code)
            if email in existing:
                continue
            db.session.add(
                Addressee(
                    kind=kind,
                    country_id=country.id,
                    email=email,
                    other_emails=[],
                    language=default_language(country.code),
                    **{**placeholders, "localised": copy.deepcopy(placeholders["localised"])},
                )
            )
            added += 1
    return f"{added} added, {len(existing)} already there"


@demo_step(50, "circular")
def seed_circular() -> str:
    """CL-26/22 with its annex, to all administrations and Permanent Missions, ready to approve."""
    if db.session.scalar(select(Circular).filter_by(reference=texts.REFERENCE)) is not None:
        return f"{texts.REFERENCE} already there"
    event = db.session.scalar(select(Event).filter_by(slug=DEMO_EVENT_SLUG))
    circular = Circular(
        event=event,
        reference=texts.REFERENCE,
        issued_on=texts.ISSUED_ON,
        place=texts.PLACE,
        sender_unit=texts.SENDER_UNIT,
        addressed_to=texts.ADDRESSED_TO,
        subject=texts.SUBJECT,
        salutation=texts.SALUTATION,
        body=texts.BODY,
        closing=texts.CLOSING,
        contact_name=texts.CONTACT_NAME,
        contact_names=texts.CONTACT_NAMES,
        contact_email=texts.CONTACT_EMAIL,
        signatory_name=texts.SIGNATORY_NAME,
        signatory_names=texts.SIGNATORY_NAMES,
        signatory_title=texts.SIGNATORY_TITLE,
        audience_kinds=[AddresseeKind.ADMINISTRATION.value, AddresseeKind.MISSION.value],
    )
    circular.annexes.append(
        Annex(
            position=1,
            title=texts.ANNEX_TITLE,
            body=texts.ANNEX_BODY,
            address_block=texts.ANNEX_ADDRESS_BLOCK,
        )
    )
    db.session.add(circular)
    return f"{texts.REFERENCE} in {len(circular.languages)} languages, a draft ready to approve"
