"""Demo step: an event open for registration on the day the demo is seeded, with invitations sent.

The Geneva event (6-7 July 2026) stays as seeded; once it is past, nobody could try the main
journey. This step adds the Dialogue's next session, marked as demo data, whose registration
opens the day before seeding, and sends it a CL-26/22-style circular to one State per UN
language, so that the personal links are on the Sent mail page.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from plenary.extensions import db
from plenary.invitations import demo_texts as texts
from plenary.invitations.models import Addressee, AddresseeKind, Annex, Circular
from plenary.models import Country, Event, EventSession, SessionKind, utcnow
from plenary.seed import DEMO_EVENT_SLUG, GENEVA_NAMES, demo_step

DEMO_OPEN_EVENT_SLUG = "ai-governance-dialogue-demo"
DEMO_REFERENCE = "CL-DEMO/1"
# One State per UN language, so each language's page and email can be tried.
DEMO_STATES = ("EE", "FR", "ES", "RU", "CN", "EG")
GENEVA = ZoneInfo("Europe/Zurich")

TITLE = {
    "ar": "الحوار العالمي بشأن حوكمة الذكاء الاصطناعي، الدورة الثانية (بيانات تجريبية)",
    "zh": "人工智能治理全球对话第二届会议（演示数据）",
    "en": "Global Dialogue on AI Governance, second session (demo data)",
    "fr": ("Dialogue mondial sur la gouvernance de l'IA, deuxième session "
           "(données de démonstration)"),
    "ru": "Глобальный диалог по вопросам управления ИИ, вторая сессия (демонстрационные данные)",
    "es": ("Diálogo Mundial sobre la Gobernanza de la IA, segundo período de sesiones "
           "(datos de demostración)"),
}  # fmt: skip
DEMO_NOTE = {
    "ar": "حدث تجريبي: التسجيل مفتوح لتجربة مسار التسجيل بالكامل.",
    "zh": "演示活动：注册已开放，可试用完整的注册流程。",
    "en": "A demo event: registration is open so that the whole registration journey can be tried.",
    "fr": "Événement de démonstration : l'inscription est ouverte pour essayer tout le parcours.",
    "ru": "Демонстрационное мероприятие: регистрация открыта, чтобы опробовать весь процесс.",
    "es": "Evento de demostración: la inscripción está abierta para probar todo el proceso.",
}  # fmt: skip
SESSIONS = [
    # day, start, end, kind, capacity, English title, French title
    (0, (10, 0), (13, 0), SessionKind.HIGH_LEVEL, None, "High-level segment",
     "Segment de haut niveau"),
    (0, (15, 0), (17, 0), SessionKind.PANEL, 120, "Thematic panel: AI and development",
     "Groupe thématique : IA et développement"),
    (0, (18, 0), (19, 30), SessionKind.NETWORKING, 3,
     "Networking reception (3 places, to try the waiting list)",
     "Réception (3 places, pour essayer la liste d'attente)"),
    (1, (10, 0), (12, 30), SessionKind.PANEL, 120, "Thematic panel: closing digital divides",
     "Groupe thématique : réduire les fractures numériques"),
]  # fmt: skip


def _at(day, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), GENEVA)


def _event() -> Event:
    today = utcnow().astimezone(GENEVA).date()
    first_day = today + timedelta(days=60)
    event = Event(
        slug=DEMO_OPEN_EVENT_SLUG,
        title=TITLE,
        description=DEMO_NOTE,
        venue="Palexpo",
        city="Geneva",
        cities=GENEVA_NAMES,
        country_code="CH",
        starts_on=first_day,
        ends_on=first_day + timedelta(days=1),
        timezone="Europe/Zurich",
        registration_opens_at=_at(today - timedelta(days=1), 9, 0),
        registration_closes_at=_at(today + timedelta(days=45), 23, 59),
        max_delegation_size=6,
        inquiry_email="ai.dialogue@example.org",
        contributions_email="contributions@example.org",
        demo=True,
    )
    for offset, start, end, kind, capacity, english, french in SESSIONS:
        day = first_day + timedelta(days=offset)
        event.sessions.append(
            EventSession(
                kind=kind, title={"en": english, "fr": french}, starts_at=_at(day, *start),
                ends_at=_at(day, *end), room="Palexpo", capacity=capacity,
            )
        )  # fmt: skip
    return event


def _circular(event: Event) -> Circular:
    circular = Circular(
        event=event,
        reference=DEMO_REFERENCE,
        issued_on=utcnow().date(),
        place=texts.PLACE,
        sender_unit=texts.SENDER_UNIT,
        addressed_to=texts.ADDRESSED_TO,
        subject={code: f"[DEMO] {title}" for code, title in TITLE.items()},
        salutation=texts.SALUTATION,
        body=texts.BODY,
        closing=texts.CLOSING,
        contact_name=texts.CONTACT_NAME,
        contact_email="ai.dialogue@example.org",
        signatory_name=texts.SIGNATORY_NAME,
        signatory_title=texts.SIGNATORY_TITLE,
        hand_picked=True,
    )
    circular.annexes.append(
        Annex(position=1, title=texts.ANNEX_TITLE, body=texts.ANNEX_BODY,
              address_block=texts.ANNEX_ADDRESS_BLOCK)
    )  # fmt: skip
    circular.picked_addressees = list(
        db.session.scalars(
            select(Addressee)
            .join(Country, Addressee.country_id == Country.id)
            .where(Country.code.in_(DEMO_STATES), Addressee.kind == AddresseeKind.ADMINISTRATION)
        )
    )
    return circular


@demo_step(60, "registration demo")
def seed_open_event() -> str:
    """The demo event open today, and its circular sent to one State per language."""
    # Imported here: the invitations area imports registration's models as it loads.
    from plenary.invitations import operations as invitations

    if db.session.scalar(select(Event).filter_by(slug=DEMO_OPEN_EVENT_SLUG)) is not None:
        return "already there"
    if db.session.scalar(select(Event).filter_by(slug=DEMO_EVENT_SLUG)) is None:
        return "skipped: no demo event"
    event = _event()
    db.session.add(event)
    circular = _circular(event)
    db.session.add(circular)
    invitations.approve(circular, None, actor="flask seed demo")
    if not current_app.config["SEED_DEMO_INVITATIONS"]:
        return f"{TITLE['en']}: registration open; {DEMO_REFERENCE} approved, not sent"
    invitations.start_sending(circular, None, actor="flask seed demo")
    db.session.commit()
    result = invitations.dispatch(circular.id)
    return (
        f"{TITLE['en']}: registration open until {event.registration_closes_at:%Y-%m-%d}; "
        f"{DEMO_REFERENCE} sent to {result.queued} addressees (their links are on Sent mail)"
    )
