"""Hostile values in every form and query string of every route: never a 500, on PostgreSQL.

PostgreSQL is where NUL bytes, over-long text and out-of-range integers fail (SQLite
stores them), so the app runs on the real server here.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask

from plenary import create_app
from plenary.extensions import db
from tests.conftest import RequestClient, base_settings
from tests.test_access import ROLES, build_world, declared_access, url_for_rule, visitor

HOSTILE = {
    "NUL": "a\x00b",
    "1 MB": "x" * 1_000_000,
    "5,000 characters": "é" * 5000,
    "300 characters": "y" * 300,
    "huge integer": "99999999999999999999",
    "just over 32 bits": "2147483648",
    "RTL override": "\u202egnp.exe",
    "CR/LF": "line\r\nBcc: victim@example.org",
    "first day of year 1": "0001-01-01",
    "last minute of 9999": "9999-12-31T23:59",
    "broken IPv6 address": "https://[::1",
    "251-character email": "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 54 + ".org",
}

# What a query string can carry that a form field would not teach us more about.
IN_QUERY_STRINGS = {"NUL", "huge integer", "just over 32 bits", "RTL override", "CR/LF",
                    "broken IPv6 address", "300 characters"}  # fmt: skip


class FormFinder(HTMLParser):
    """The forms of a page: their action, method and the names of their fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append({
                "action": attributes.get("action") or "",
                "method": (attributes.get("method") or "get").lower(),
                "fields": set(),
            })  # fmt: skip
        elif (
            tag in ("input", "select", "textarea")
            and self.forms
            and attributes.get("name")
            and attributes.get("type") not in ("submit", "file")
        ):
            self.forms[-1]["fields"].add(attributes["name"])


def forms_on(page: str) -> list[dict]:
    finder = FormFinder()
    finder.feed(page)
    return finder.forms


@pytest.fixture
def postgres_app(tmp_path: Path, postgres_url: str):
    app = create_app(base_settings(tmp_path, DATABASE_URL=postgres_url))
    app.test_client_class = RequestClient
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_hostile_values_in_every_form_and_query_never_give_a_500(postgres_app: Flask):
    app = postgres_app
    tokens = build_world(app)
    admin = visitor(app, "admin", {})
    focal = visitor(app, ROLES[1], tokens[ROLES[1]])
    failures = []
    tried = 0

    def check(person, method: str, url: str, data: dict | None = None, query: dict | None = None):
        nonlocal tried
        from tests.test_access import keep_signed_in

        keep_signed_in(person)
        response = person.client.open(url, method=method, data=data, query_string=query)
        tried += 1
        if response.status_code >= 500:
            shown = {key: value[:40] for key, value in (data or query or {}).items()}
            failures.append(f"{method} {url} {shown}: {response.status_code}")

    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "logout" in rule.rule:
            continue
        access = declared_access(app, rule)
        person = focal if access is not None and access.value == "token" else admin
        url = url_for_rule(rule, person.link_tokens.get("invitation", "forged"))
        fields: set[str] = {"page", "q", "state", "status", "lang", "addressee", "next"}
        if "GET" in rule.methods:
            page = person.client.get(url).get_data(as_text=True)
            for form in forms_on(page):
                fields |= form["fields"]
        fields.discard("csrf_token")
        for name, value in HOSTILE.items():
            if "GET" in rule.methods and name in IN_QUERY_STRINGS:
                check(person, "GET", url, query=dict.fromkeys(fields, value))
            if "POST" in rule.methods:
                data = {**dict.fromkeys(fields, value), "csrf_token": person.csrf}
                check(person, "POST", url, data=data)
    # What was saved must show without error too, on every page.
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static":
            access = declared_access(app, rule)
            person = focal if access is not None and access.value == "token" else admin
            check(person, "GET", url_for_rule(rule, person.link_tokens.get("invitation", "x")))
    assert tried > 400
    assert not failures, "\n".join(failures)


def test_huge_numbers_in_urls_are_not_found(postgres_app: Flask):
    build_world(postgres_app)
    admin = visitor(postgres_app, "admin", {})
    from tests.test_access import keep_signed_in

    keep_signed_in(admin)
    for url in (
        "/secretariat/mail/99999999999999999999",
        "/secretariat/mail/2147483648",
        "/secretariat/invitations/circulars/99999999999/preview",
    ):
        assert admin.client.get(url).status_code == 404, url
    for url in (
        "/secretariat/mail?page=99999999999999999999",
        "/secretariat/invitations/addressees?page=99999999999999999999",
        "/secretariat/invitations/circulars/1?page=99999999999999999999",
        "/secretariat/invitations/circulars/1/preview?addressee=99999999999999999999",
    ):
        assert admin.client.get(url).status_code == 200, url


HOSTILE_HEADERS = {
    "Accept-Language": ["\u202ear", "x" * 5000, "zh-Hant-TW;q=abc, *;q=-1"],
    "X-Forwarded-For": ["not-an-address", "1" * 1000, ", , ,", "::1, [::1"],
    "X-Forwarded-Proto": ["gopher", "https, http, https"],
    "Cookie": ["session=forged.value.here", "session=" + "A" * 4000, "lang=\u202e"],
    "Referer": ["https://[::1", "\u202e"],
    # A hostname IDNA cannot encode: werkzeug cannot build URLs for the error page itself.
    "Host": ["a" * 64, "a..b", "[::1", "example.org:notaport", "\u202e.example.org"],
}


def test_hostile_headers_never_give_a_500(tmp_path: Path, postgres_url: str):
    """Behind a trusted proxy the app reads X-Forwarded-For: it must survive any value."""
    from tests.factories import PASSWORD, make_user

    app = create_app(base_settings(tmp_path, DATABASE_URL=postgres_url, TRUSTED_PROXIES="1"))
    app.test_client_class = RequestClient
    failures = []
    with app.app_context():
        db.create_all()
        make_user("staff@example.org")
        for header, values in HOSTILE_HEADERS.items():
            for value in values:
                client = app.test_client()
                headers = {header: value}
                from tests.conftest import CSRF_INPUT

                page = client.get("/login", headers=headers)
                match = CSRF_INPUT.search(page.get_data(as_text=True))
                data = {"csrf_token": match.group(1) or match.group(2) if match else "",
                        "email": "staff@example.org", "password": PASSWORD}  # fmt: skip
                signed_in = client.post("/login", data=data, headers=headers)
                home = client.get("/", headers=headers)
                for response in (page, signed_in, home):
                    if response.status_code >= 500:
                        failures.append(f"{header}: {value[:30]!r}: {response.status_code}")
        db.session.remove()
        db.engine.dispose()
    assert not failures, "\n".join(failures)
