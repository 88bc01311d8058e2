"""The six UN languages: choosing one per request and reading per-language fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, get_timezone_name
from babel.support import NullTranslations
from flask import Flask, g, has_app_context, has_request_context, request, session
from flask_babel import LazyString, get_locale, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

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
# The UN writes English dates the British way: "6 July 2026", not "July 6, 2026".
_LOCALES = {"en": "en_GB"}


def babel_locale(language: str) -> str:
    """The Babel locale that formats dates and numbers for one of the six languages."""
    return _LOCALES.get(language, language)


def format_deadline(moment: datetime, timezone: str, language: str) -> str:
    """A deadline in the event's time zone and the language, with the zone named.

    '26 June 2026, 23:59 (Central European Summer Time)'; in Arabic
    '26 يونيو 2026، الساعة 23:59 (…)'; in Chinese '2026年6月26日23:59（中欧夏令时间）'.
    """
    locale = babel_locale(language)
    local = moment.astimezone(ZoneInfo(timezone))
    day = format_date(local, "long", locale=locale)
    zone = get_timezone_name(local, locale=locale)
    if language == "zh":
        return f"{day}{local:%H:%M}（{zone}）"
    if language == "ar":
        return f"{day}، الساعة {local:%H:%M} ({zone})"
    return f"{day}, {local:%H:%M} ({zone})"


# A programme's day, weekday named in full, as each language writes it:
# "Tuesday 7 July", "mardi 7 juillet", "7月7日星期二", "الثلاثاء، 7 يوليو".
_PROGRAMME_DAYS = {
    "ar": "EEEE، d MMMM",
    "zh": "M月d日EEEE",
    "en": "EEEE d MMMM",
    "fr": "EEEE d MMMM",
    "ru": "EEEE, d MMMM",
    "es": "EEEE, d 'de' MMMM",
}
_PROGRAMME_SEPARATORS = {"ar": "، ", "zh": " "}


def programme_time(moment: datetime, timezone: str, language: str) -> str:
    """When a programme item starts: '7月7日星期二 10:00', 'mardi 7 juillet, 10:00'."""
    local = moment.astimezone(ZoneInfo(timezone))
    day = format_date(local, _PROGRAMME_DAYS[language], locale=babel_locale(language))
    return f"{day}{_PROGRAMME_SEPARATORS.get(language, ', ')}{local:%H:%M}"


def select_locale() -> str:
    """Pick the language from ?lang=, then the session, then the browser's Accept-Language."""
    if not has_request_context():  # a command or a worker: emails force their own language
        return babel_locale(DEFAULT_LANGUAGE)
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
        return babel_locale(asked)
    chosen = session.get("lang")
    if chosen not in LANGUAGES:
        chosen = request.accept_languages.best_match(LANGUAGES.keys()) or DEFAULT_LANGUAGE
    return babel_locale(chosen)


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


def translations():
    """The catalog of the current language, found once per request and language.

    Flask-Babel looks it up again for each message (its context, the locale's name, then its
    cache), about a sixth of the rendering of a page of the focal point's flow. A
    language forced for one email (`force_locale`) is another locale object, so it gets
    its own catalog, and the page's comes back after it.
    """
    if not has_app_context():
        return get_translations()
    locale = get_locale()
    found = g.get("_plenary_catalog")
    if found is None or found[0] is not locale:
        found = (locale, get_translations())
        g._plenary_catalog = found
    return found[1]


def gettext(string: str, **variables: Any) -> str:
    """The message in the current language, as Flask-Babel's gettext gives it."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def install_translations(app: Flask) -> None:
    """Templates translate through `translations`, as the Python code does.

    A template Flask renders (a page, an email in its forced language) has its `gettext` bound
    to the catalog once, as it starts: a focal point's page translates some 35 messages, and
    finding the catalog again for each cost 3.5 % of the instructions of the focal point's
    flow (bench/flow_instructions.py). Macros imported without context, and templates
    rendered outside Flask, use the environment's callables.
    """
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: translations().ugettext(string),
        ngettext=lambda singular, plural, n: translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: translations().unpgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )

    @app.context_processor
    def bound_gettext() -> dict[str, Any]:
        return {"gettext": _bound_gettext(translations())}


def _bound_gettext(catalog: NullTranslations):
    """Jinja's new-style gettext over one catalog: the message escaped as the template is,
    then formatted with the template's variables, as `install_gettext_callables` does."""

    @pass_context
    def gettext(context: Context, message: str, /, **variables: Any) -> str:
        text = catalog.ugettext(message)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return gettext


class _LazyText(LazyString):
    """A lazy translation that templates escape like any other text.

    Flask-Babel's LazyString tells Jinja it is already HTML, so a message such as
    "Not in the directory: %(emails)s" would put what a user typed into the page unescaped.
    """

    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """gettext evaluated when shown, in the reader's language; escaped in templates."""
    return _LazyText(gettext, string, **variables)
