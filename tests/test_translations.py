"""The catalogs of the five other UN languages: complete, and faithful to the placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from plenary.i18n import LANGUAGES

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


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
            if set(PLACEHOLDER.findall(string)) != expected:
                problems.append(f"placeholders differ: {ids[0]!r} -> {string!r}")
    assert problems == []


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
