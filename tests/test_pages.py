"""The public pages, the layout, the language switch and the error pages."""

from __future__ import annotations

import pytest

from plenary import seed
from plenary.extensions import db
from plenary.models import Country, Event, User


@pytest.fixture
def demo(app):
    for line in seed.seed_demo():
        assert line
    return db.session.scalar(db.select(Event).filter_by(slug=seed.DEMO_EVENT_SLUG))


GENEVA = {"en": "Geneva", "fr": "Genève", "es": "Ginebra", "ru": "Женева", "zh": "日内瓦",
          "ar": "جنيف"}  # fmt: skip


@pytest.mark.parametrize(
    "language,title,dates",
    [
        ("en", "Global Dialogue on AI Governance", "6–7 Jul 2026"),
        ("ru", "Глобальный диалог по вопросам управления ИИ", "6–7 июл. 2026\u202fг."),
        (
            "fr",
            "Dialogue mondial sur la gouvernance de l'intelligence artificielle",
            "6–7 juil. 2026",
        ),
        (
            "es",
            "Diálogo Mundial sobre la Gobernanza de la Inteligencia Artificial",
            "6–7 de julio de 2026",
        ),
        ("zh", "人工智能治理全球对话", "2026年7月6日至7日"),
        ("ar", "الحوار العالمي بشأن حوكمة الذكاء الاصطناعي", "6–7 يوليو 2026"),
    ],
)
def test_home_page_shows_the_event_in_each_un_language(client, demo, language, title, dates):
    page = client.get(f"/?lang={language}").get_data(as_text=True)
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in page
    assert f"<h1>{title}</h1>".replace("'", "&#39;") in page
    # The dates, then the venue and the city as the language writes it, as one line of the
    # page: not just a year found anywhere.
    place = "Palexpo, " + GENEVA[language]
    assert f'<p class="when-where">\n    {dates} ·\n    {place}\n  </p>' in page


def test_programme_times_are_shown_in_geneva_time(client, demo):
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "Monday 6 July, 10:00–13:00" in page
    assert "Europe/Zurich" in page
    assert "AI for Good Global Summit 2026" in page


def test_the_chosen_language_is_remembered(client, demo):
    response = client.get("/language/ru?next=/")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert '<html lang="ru"' in client.get("/").get_data(as_text=True)


def test_language_switch_does_not_redirect_to_another_site(client):
    response = client.get("/language/fr?next=//evil.example/")
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "target",
    ["/a%0d%0aSet-Cookie:%20x=1", "/%0a", "%2F%09%2Fevil.example", "/%5Cevil.example", "/%00"],
)
def test_language_switch_with_a_hostile_next_goes_home(client, target):
    response = client.get(f"/language/fr?next={target}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Set-Cookie: x" not in str(response.headers)


def test_browser_language_is_the_default(client, demo):
    page = client.get("/", headers={"Accept-Language": "es-ES,es;q=0.9"}).get_data(as_text=True)
    assert '<html lang="es"' in page


def test_home_page_without_any_event_says_so(client):
    page = client.get("/").get_data(as_text=True)
    assert "No event is published yet." in page


def test_unknown_page_is_a_404_in_the_layout(client):
    response = client.get("/no/such/page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "This page does not exist." in page
    assert 'class="site-header"' in page


def test_an_error_shows_no_stack_trace(app, client):
    @app.get("/explode")
    def explode():
        raise RuntimeError("secret internals")

    response = client.get("/explode")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert "secret internals" not in page and "Traceback" not in page


def test_responses_carry_security_headers(client):
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"


def test_pages_load_no_asset_from_another_site(client, demo):
    page = client.get("/").get_data(as_text=True)
    for tag in ("<script", "<link"):
        for part in page.split(tag)[1:]:
            assert "http" not in part.split(">")[0], part.split(">")[0]


def test_seed_demo_is_safe_to_run_twice_and_prints_the_password_once(app):
    first = app.test_cli_runner().invoke(args=["seed", "demo"])
    second = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "countries: 193 added" in first.output
    assert "with password " in first.output
    assert "with password " not in second.output
    assert "countries: 0 added, 193 already there" in second.output
    assert db.session.scalar(db.select(db.func.count(Country.id))) == 193
    # The Geneva event, and the demo event open for registration on the seeding day.
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 2
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_users_create_command(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "chief@example.org", "--role", "admin", "--password", "x" * 16]
    )
    assert result.exit_code == 0, result.output
    assert "Created admin chief@example.org" in result.output
    again = app.test_cli_runner().invoke(
        args=["users", "create", "chief@example.org", "--password", "x" * 16]
    )
    assert again.exit_code != 0
    assert "already exists" in again.output
    short = app.test_cli_runner().invoke(
        args=["users", "create", "other@example.org", "--password", "short"]
    )
    assert "at least 12 characters" in short.output


def test_lazy_messages_are_escaped_in_pages(app):
    from flask import render_template_string

    from plenary.i18n import lazy_gettext

    message = lazy_gettext("Not in the directory: %(emails)s", emails="<script>x()</script>")
    with app.test_request_context():
        html = render_template_string("<p>{{ message }}</p>", message=message)
    assert html == "<p>Not in the directory: &lt;script&gt;x()&lt;/script&gt;</p>"


def test_templates_translate_in_the_language_they_render_in_and_escape_variables(app):
    """A rendered template's gettext is bound to one catalog as it starts: the page's, or the
    one forced for an email; each render binds its own."""
    from flask import render_template_string
    from flask_babel import force_locale

    page = '{{ _("Sign out") }} | {{ _("Not in the directory: %(emails)s", emails=who) }}'
    with app.test_request_context("/?lang=fr"):
        french = render_template_string(page, who="<b>x</b>")
        with force_locale("es"):
            spanish = render_template_string(page, who="a&b")
        again = render_template_string('{{ _("Sign out") }}')
    assert french == (
        "Se déconnecter | Adresses absentes du répertoire\u00a0: &lt;b&gt;x&lt;/b&gt;"
    )
    assert spanish == "Cerrar sesión | No figuran en el directorio: a&amp;b"
    assert again == "Se déconnecter"


def test_the_registration_deadline_is_shown_in_geneva_time(client, demo):
    from datetime import UTC, datetime

    demo.registration_closes_at = datetime(2099, 6, 26, 21, 59, tzinfo=UTC)
    db.session.commit()
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "Registration is open until" in page
    assert "23:59" in page and "21:59" not in page
