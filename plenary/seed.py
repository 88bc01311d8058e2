"""`flask seed demo`: the Global Dialogue on AI Governance, the Member States and an admin.

Every step is safe to run twice: it looks for what it would create and leaves it alone.
Areas add their own steps with @demo_step (the directory, the circular, ...).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from . import users
from .countries import member_states
from .extensions import db
from .models import Country, Event, EventSession, LinkedEvent, Role, SessionKind

DEMO_EVENT_SLUG = "ai-governance-dialogue-2026"
DEMO_ADMIN_EMAIL = "admin@example.org"

_steps: list[tuple[int, str, Callable[[], str]]] = []


# Geneva as each UN language writes it (the venue, Palexpo, is a name in all of them).
GENEVA_NAMES = {"ar": "جنيف", "zh": "日内瓦", "fr": "Genève", "ru": "Женева", "es": "Ginebra"}


def demo_step(order: int, name: str) -> Callable[[Callable[[], str]], Callable[[], str]]:
    """Register a seeding step; steps run by order and return a line to print."""

    def register(function: Callable[[], str]) -> Callable[[], str]:
        if all(existing != name for _, existing, _ in _steps):
            _steps.append((order, name, function))
        return function

    return register


def seed_demo() -> list[str]:
    """Run every step in order, committing after each, and return what each one said."""
    lines = []
    for _, name, step in sorted(_steps, key=lambda item: item[0]):
        lines.append(f"{name}: {step()}")
        db.session.commit()
    return lines


@demo_step(10, "countries")
def seed_countries() -> str:
    existing = {country.code: country for country in db.session.scalars(select(Country))}
    added = 0
    for state in member_states():
        country = existing.get(state.code)
        if country is None:
            db.session.add(Country(code=state.code, names=dict(state.names), region=state.region))
            added += 1
    return f"{added} added, {len(existing)} already there"


GENEVA = ZoneInfo("Europe/Zurich")


def _geneva(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=GENEVA).astimezone(UTC)


EVENT_TITLE = {
    "ar": "الحوار العالمي بشأن حوكمة الذكاء الاصطناعي",
    "zh": "人工智能治理全球对话",
    "en": "Global Dialogue on AI Governance",
    "fr": "Dialogue mondial sur la gouvernance de l'intelligence artificielle",
    "ru": "Глобальный диалог по вопросам управления ИИ",
    "es": "Diálogo Mundial sobre la Gobernanza de la Inteligencia Artificial",
}

EVENT_DESCRIPTION = {
    "en": (
        "The first Global Dialogue on AI Governance, convened under United Nations General "
        "Assembly resolution 79/325 of 26 August 2025 and co-chaired by the Permanent "
        "Representatives of El Salvador and Estonia. ITU organises it with UNESCO in a joint "
        "secretariat with the UN Office for Digital and Emerging Technologies and the "
        "Executive Office of the Secretary-General. Heads of State and Government may address "
        "the Dialogue; senior government officials contribute to thematic panels."
    ),
    "ru": (
        "Первый Глобальный диалог по вопросам управления ИИ, созываемый в соответствии с "
        "резолюцией 79/325 Генеральной Ассамблеи Организации Объединенных Наций от 26 августа "
        "2025 года, сопредседателями которого являются постоянные представители Сальвадора и "
        "Эстонской Республики. МСЭ координирует его проведение совместно с ЮНЕСКО в рамках "
        "объединенного секретариата с Управлением по цифровым и новым технологиям и "
        "Канцелярией Генерального секретаря ООН. Главы государств и правительств могут "
        "выступить перед участниками, а высокопоставленные представители правительств – "
        "внести вклад в тематические групповые обсуждения."
    ),
    "fr": (
        "Premier Dialogue mondial sur la gouvernance de l'intelligence artificielle, convoqué "
        "en application de la résolution 79/325 de l'Assemblée générale des Nations Unies du "
        "26 août 2025 et coprésidé par les Représentants permanents d'El Salvador et de "
        "l'Estonie. Les chefs d'État et de gouvernement pourront s'adresser au Dialogue ; les "
        "hauts responsables gouvernementaux contribueront aux panels thématiques."
    ),
    "es": (
        "Primer Diálogo Mundial sobre la Gobernanza de la Inteligencia Artificial, convocado "
        "en virtud de la resolución 79/325 de la Asamblea General de las Naciones Unidas, de "
        "26 de agosto de 2025, y copresidido por los Representantes Permanentes de El Salvador "
        "y Estonia. Los Jefes de Estado y de Gobierno podrán dirigirse al Diálogo; los altos "
        "funcionarios gubernamentales contribuirán a los paneles temáticos."
    ),
    "zh": (
        "首届人工智能治理全球对话根据2025年8月26日联合国大会第79/325号决议召开，由萨尔瓦多和"
        "爱沙尼亚常驻代表共同主持。国家元首和政府首脑可在对话中发言；政府高级官员将参与专题小组讨论。"
    ),
    "ar": (
        "الحوار العالمي الأول بشأن حوكمة الذكاء الاصطناعي، المعقود عملاً بقرار الجمعية العامة "
        "للأمم المتحدة 79/325 المؤرخ 26 أغسطس 2025، ويشارك في رئاسته الممثلان الدائمان للسلفادور "
        "وإستونيا. ويجوز لرؤساء الدول والحكومات مخاطبة الحوار، ويساهم كبار المسؤولين الحكوميين "
        "في حلقات النقاش المواضيعية."
    ),
}

SESSIONS = [
    # day offset, start, end, kind, English title, Russian title
    (0, (10, 0), (13, 0), SessionKind.HIGH_LEVEL, "Opening and high-level segment",
     "Открытие и сегмент высокого уровня"),
    (0, (15, 0), (18, 0), SessionKind.PANEL, "Thematic panels: international cooperation on AI",
     "Тематические групповые обсуждения: международное сотрудничество в области ИИ"),
    (0, (18, 30), (20, 0), SessionKind.NETWORKING, "Networking reception",
     "Мероприятие по установлению контактов"),
    (1, (10, 0), (13, 0), SessionKind.PANEL, "Thematic panels: closing digital divides",
     "Тематические групповые обсуждения: преодоление цифрового разрыва"),
    (1, (14, 30), (17, 0), SessionKind.HIGH_LEVEL, "High-level segment (continued) and closing",
     "Сегмент высокого уровня (продолжение) и закрытие"),
]  # fmt: skip


@demo_step(20, "event")
def seed_event() -> str:
    if db.session.scalar(select(Event).filter_by(slug=DEMO_EVENT_SLUG)) is not None:
        return "already there"
    first_day = date(2026, 7, 6)
    event = Event(
        slug=DEMO_EVENT_SLUG,
        title=EVENT_TITLE,
        description=EVENT_DESCRIPTION,
        venue="Palexpo",
        city="Geneva",
        cities=GENEVA_NAMES,
        country_code="CH",
        starts_on=first_day,
        ends_on=date(2026, 7, 7),
        timezone="Europe/Zurich",
        registration_opens_at=_geneva(date(2026, 4, 23), 9),
        registration_closes_at=_geneva(date(2026, 6, 26), 23, 59),
        max_delegation_size=6,
        inquiry_email="ai.dialogue@itu.int",
        contributions_email="chief.spm@itu.int",
    )
    for offset, start, end, kind, english, russian in SESSIONS:
        day = first_day.replace(day=first_day.day + offset)
        event.sessions.append(
            EventSession(
                kind=kind,
                title={"en": english, "ru": russian},
                starts_at=_geneva(day, *start),
                ends_at=_geneva(day, *end),
                room="Palexpo",
            )
        )
    event.linked_events.append(
        LinkedEvent(
            title={
                "en": "AI for Good Global Summit 2026",
                "ru": 'Глобальный саммит "ИИ во благо" 2026 года',
                "fr": "Sommet mondial L'IA au service du bien social 2026",
                "es": "Cumbre Mundial IA para el Bien 2026",
                "zh": "2026年人工智能向善全球峰会",
                "ar": "القمة العالمية للذكاء الاصطناعي من أجل الصالح العام 2026",
            },
            starts_on=date(2026, 7, 7),
            ends_on=date(2026, 7, 10),
            url="https://aiforgood.itu.int/summit26/",
        )
    )
    db.session.add(event)
    return "Global Dialogue on AI Governance, Palexpo, Geneva, 6-7 July 2026"


@demo_step(30, "admin")
def seed_admin() -> str:
    if users.find_user(DEMO_ADMIN_EMAIL) is not None:
        return f"{DEMO_ADMIN_EMAIL} already there (its password was printed when it was made)"
    password = secrets.token_urlsafe(12)
    users.create_user(
        DEMO_ADMIN_EMAIL, Role.ADMIN, full_name="Secretariat administrator",
        password=password, actor="flask seed demo",
    )  # fmt: skip
    return f"{DEMO_ADMIN_EMAIL} with password {password} (shown this once)"
