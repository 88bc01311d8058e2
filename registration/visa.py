"""The visa support letter: a PDF addressed to the host country's embassy, for one delegate.

It is written in the delegate's language and, when that is not English, in English after
it, so that the embassy can read it whatever the delegate's language. The letter is drawn
by the circular's machinery (fonts for the six languages, WeasyPrint).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask import current_app

from plenary.countries import member_states
from plenary.i18n import DEFAULT_LANGUAGE, babel_locale, text_direction
from plenary.models import Event

from .calendar import long_date_range
from .visa_texts import VISA_TEXTS

TEMPLATE = "letters/visa.html"
PDF_MIMETYPE = "application/pdf"


@dataclass(frozen=True)
class VisaLetterFacts:
    """What the letter says about one delegate, as plain values."""

    event: Event
    language: str
    honorific: str
    given_name: str
    family_name: str
    function: str
    institution: str
    country_names: dict[str, str]
    badge_number: str
    issued_on: date
    # The country the delegate applies from, when it is not the one they represent.
    residence_names: dict[str, str] | None = None
    # What identifies the traveller to the embassy, as the focal point gave it.
    nationality: str = ""
    passport_number: str = ""
    date_of_birth: date | None = None
    passport_expires_on: date | None = None

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)


def host_country_names(code: str) -> dict[str, str]:
    """The names of the event's host country in the six languages, from its ISO code."""
    for state in member_states():
        if state.code == code.upper():
            return dict(state.names)
    return {DEFAULT_LANGUAGE: code.upper()}


def letter_languages(language: str) -> list[str]:
    """The delegate's language, then English unless it is the same."""
    language = language if language in VISA_TEXTS else DEFAULT_LANGUAGE
    return [language] if language == DEFAULT_LANGUAGE else [language, DEFAULT_LANGUAGE]


def visa_filename(badge_number: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", badge_number).strip("-")
    return f"visa-support-letter-{stem or 'delegate'}.pdf"


def _section(facts: VisaLetterFacts, language: str) -> dict:
    texts = VISA_TEXTS[language]
    event = facts.event

    def name_in(names: dict[str, str] | None) -> str:
        names = names or {}
        return names.get(language) or names.get(DEFAULT_LANGUAGE) or ""

    country = name_in(facts.country_names)
    dates = long_date_range(event.starts_on, event.ends_on, language)
    venue = event.place_in(language)
    person = " ".join(part for part in (facts.honorific, facts.full_name) if part)
    function = ", ".join(part for part in (facts.function, facts.institution) if part)
    values = {
        "host": name_in(host_country_names(event.country_code or "CH")),
        "residence": name_in(facts.residence_names or facts.country_names),
        "event": event.title_in(language),
        "venue": venue,
        "dates": dates,
        "person": person,
        "name": facts.full_name,
        "function": function or country,
        "country": country,
        "badge": facts.badge_number,
    }
    return {
        "language": language,
        "html_lang": "zh-Hans" if language == "zh" else language,
        "direction": text_direction(language),
        "heading": texts["heading"],
        "version": texts["copy"],
        "reference_label": texts["reference"],
        "to": [
            line
            for line in (texts["to"].format(**values), texts["to_residence"].format(**values))
            if line
        ],
        "subject": texts["subject"].format(**values),
        "salutation": texts["salutation"],
        "paragraphs": [texts[key].format(**values) for key in ("confirm", "request", "costs")],
        "traveller": _traveller(facts, texts, language),
        "badge": texts["badge"].format(**values),
        "closing": texts["closing"],
        "signature": texts["signature"],
        "contact_label": texts["contact"],
        "date": _format_date(facts.issued_on, language),
    }


def _traveller(facts: VisaLetterFacts, texts: dict[str, str], language: str) -> list:
    """(label, value) of what identifies the traveller, for those the focal point gave."""
    rows = [
        ("nationality", facts.nationality),
        ("passport", facts.passport_number),
        ("born", facts.date_of_birth and _format_date(facts.date_of_birth, language)),
        ("expires", facts.passport_expires_on and _format_date(facts.passport_expires_on,
                                                               language)),
    ]  # fmt: skip
    return [(texts[key], value) for key, value in rows if value]


def _format_date(day: date, language: str) -> str:
    from babel.dates import format_date

    return format_date(day, "long", locale=babel_locale(language))


def render_visa_letter_html(facts: VisaLetterFacts) -> str:
    """The letter as HTML: one section per language, each on its own page."""
    languages = letter_languages(facts.language)
    event = facts.event
    return current_app.jinja_env.get_template(TEMPLATE).render(
        sections=[_section(facts, language) for language in languages],
        html_lang="zh-Hans" if languages[0] == "zh" else languages[0],
        reference=f"{event.slug.upper()}/VISA/{facts.badge_number}",
        contact_email=event.inquiry_email,
    )


def render_visa_letter_pdf(facts: VisaLetterFacts) -> bytes:
    """The letter as a PDF, in the letters' packaged fonts of its first language."""
    from plenary.invitations.letters import html_to_pdf

    language = letter_languages(facts.language)[0]
    return html_to_pdf(render_visa_letter_html(facts), language)
