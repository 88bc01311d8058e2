"""The six UN languages: choosing one per request and reading per-language fields."""

from __future__ import annotations

from flask import has_request_context, request, session
from flask_babel import get_locale

# Ordered as the UN lists them (alphabetically in English).
LANGUAGES: dict[str, str] = {
    "ar": "العربية",
    "zh": "中文",
    "en": "English",
    "fr": "Français",
    "ru": "Русский",
    "es": "Español",
}
RTL_LANGUAGES = frozenset({"ar"})
DEFAULT_LANGUAGE = "en"


def select_locale() -> str:
    """Pick the language from ?lang=, then the session, then the browser's Accept-Language."""
    if not has_request_context():  # a command or a worker: emails force their own language
        return DEFAULT_LANGUAGE
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
        return asked
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES.keys()) or DEFAULT_LANGUAGE


def current_language() -> str:
    """The language of the current request, as one of the six codes."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else "en"


def text_direction(language: str | None = None) -> str:
    """'rtl' for Arabic, 'ltr' for the others."""
    return "rtl" if (language or current_language()) in RTL_LANGUAGES else "ltr"


def pick(values: dict[str, str] | None, language: str | None = None) -> str:
    """The value of a per-language field in the given language, else English, else any."""
    if not values:
        return ""
    language = language or current_language()
    return values.get(language) or values.get(DEFAULT_LANGUAGE) or next(iter(values.values()), "")
