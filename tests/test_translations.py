"""The catalogs of the five other UN languages: complete, and faithful to the placeholders."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from plenary import outbox
from plenary.i18n import LANGUAGES, babel_locale, format_deadline

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
NAMED = re.compile(r"%\(\w+\)[sd]")


def catalog(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as stream:
        return read_po(stream, locale=language)


def template_ids() -> set[str]:
    with (TRANSLATIONS / "messages.pot").open("rb") as stream:
        return {message.id for message in read_po(stream) if message.id}


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_every_message_is_translated_with_the_same_placeholders(language):
    messages = [message for message in catalog(language) if message.id]
    assert {message.id for message in messages} >= template_ids(), "catalog not updated"
    problems = []
    for message in messages:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            found = set(PLACEHOLDER.findall(string))
            # A plural form may say its number in words ("دعوتان", two invitations).
            if isinstance(message.id, tuple) and found | {"%(num)d"} == expected | {"%(num)d"}:
                continue
            # A translation may leave a named value out ("Madame, Monsieur," for "Dear
            # %(name)s,"): %-formatting with a dict ignores unused keys. It may not add one.
            if found - expected or (expected - found) - set(NAMED.findall(ids[-1])):
                problems.append(f"placeholders differ: {ids[0]!r} -> {string!r}")
    assert problems == []


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_every_plural_entry_has_each_form_of_the_language(language):
    messages = catalog(language)
    plurals = [message for message in messages if isinstance(message.id, tuple)]
    assert plurals, "no plural entries"
    incomplete = [
        message.id[0]
        for message in plurals
        if len(message.string) != messages.num_plurals or not all(message.string)
    ]
    assert incomplete == []


def test_counted_strings_follow_each_language_s_plural_rules(app):
    from flask_babel import force_locale, ngettext

    def link(days: int) -> str:
        return ngettext(
            "The link is personal to your office and valid for %(num)d day. "
            "Please do not forward it.",
            "The link is personal to your office and valid for %(num)d days. "
            "Please do not forward it.",
            days,
        )

    with app.test_request_context(), force_locale("ru"):
        assert "в течение 180 дней" in link(180)
        assert "в течение 21 дня" in link(21)
    with app.test_request_context(), force_locale("ar"):
        assert "لمدة 7 أيام" in link(7)
        # 11 to 99 (and 180, whose noun follows its last part, 80) count in the accusative
        # singular; 100 to 102 in the genitive.
        assert "لمدة 180 يوماً" in link(180) and "لمدة 11 يوماً" in link(11)
        assert "لمدة 100 يوم." in link(100)
    with app.test_request_context(), force_locale("fr"):
        assert "valable 1 jour." in link(1)


def test_every_string_of_the_code_is_in_the_template():
    """`make extract-messages` was run after the last change to a user-facing string."""
    sources = [*Path("templates").rglob("*.html"), *Path("templates").rglob("*.txt")]
    sources += [path for area in ("plenary", "registration", "invitations", "inquiries")
                for path in Path(area).rglob("*.py")]  # fmt: skip
    call = re.compile(r"""\b_l?\(\s*(["'])((?:(?!\1).)+)\1\s*[,)]""")
    found = {match.group(2) for path in sources for match in call.finditer(path.read_text())}
    found = {text.replace("\\'", "'").replace('\\"', '"') for text in found}
    missing = sorted(found - template_ids())
    assert missing == []


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_pages_come_in_the_chosen_language(client, language):
    """Needs the compiled catalogs, which `make test` builds (`make translations`)."""
    heading = catalog(language).get("Secretariat sign-in").string
    page = client.get(f"/login?lang={language}").get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in page
    assert "Secretariat sign-in" not in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "26 June 2026, 23:59 (Central European Summer Time)"),
        ("fr", "26 juin 2026, 23:59 (heure d’été d’Europe centrale)"),
        ("ar", "26 يونيو 2026، الساعة 23:59 (توقيت وسط أوروبا الصيفي)"),
        ("zh", "2026年6月26日23:59（中欧夏令时间）"),
    ],
)
def test_a_deadline_reads_as_the_language_writes_it(app, language, expected):
    """Pages, emails and letters all format a deadline through the event_datetime filter."""
    moment = datetime(2026, 6, 26, 21, 59, tzinfo=UTC)
    event = SimpleNamespace(timezone="Europe/Zurich")
    assert format_deadline(moment, event.timezone, language) == expected
    with app.test_request_context(), force_locale(babel_locale(language)):
        rendered = app.jinja_env.from_string("{{ at|event_datetime(event) }}").render(
            at=moment, event=event
        )
    assert rendered == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Tuesday 7 July, 10:00"),
        ("fr", "mardi 7 juillet, 10:00"),
        ("es", "martes, 7 de julio, 10:00"),
        ("ru", "вторник, 7 июля, 10:00"),
        ("ar", "الثلاثاء، 7 يوليو، 10:00"),
        ("zh", "7月7日星期二 10:00"),
    ],
)
def test_a_programme_item_s_day_reads_as_the_language_writes_it(app, language, expected):
    event = SimpleNamespace(timezone="Europe/Zurich")
    with app.test_request_context(), force_locale(babel_locale(language)):
        rendered = app.jinja_env.from_string("{{ at|programme_time(event) }}").render(
            at=datetime(2026, 7, 7, 8, 0, tzinfo=UTC), event=event
        )
    assert rendered == expected


def test_a_french_account_email_greets_as_french_official_letters_do(app):
    user = SimpleNamespace(full_name="Jeanne Dupont", email="j.dupont@example.org")
    with app.test_request_context():
        email = outbox.render_email(
            "core/account_link", "fr", user=user, url="https://example.org/x", hours=48
        )
    assert email.text.startswith("Madame, Monsieur,\n")
    assert "Bonjour" not in email.text and "Bonjour" not in (email.html or "")
