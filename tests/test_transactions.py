"""A request that only read commits its transaction; one that wrote and did not commit is
rolled back. On PostgreSQL, psycopg keeps its prepared statements from page to page."""

from __future__ import annotations

from sqlalchemy import func, select, text

from plenary import create_app
from plenary.auth import public
from plenary.extensions import db
from plenary.models import Country
from tests.conftest import RequestClient, base_settings
from tests.factories import make_country
from tests.registration_helpers import invited_state, link_of, open_event

BROWSER = {"Sec-Fetch-Mode": "navigate", "Accept-Language": "en", "Accept": "text/html"}


def prepared_statements() -> int:
    """The statements psycopg has prepared on the pool's one connection."""
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar()


def test_pages_that_only_read_keep_their_prepared_statements(tmp_path, postgres_url):
    app = create_app(base_settings(tmp_path, DATABASE_URL=postgres_url))
    app.test_client_class = RequestClient
    with app.app_context():
        db.create_all()
        event = open_event()
        _country, (ministry, _mission) = invited_state(event)
        db.session.commit()
        link = link_of(ministry)
        db.session.remove()
        db.engine.dispose()  # from here on, one connection: the requests'
        client = app.test_client()
        assert client.get(link, headers=BROWSER).status_code == 200  # counts the opening
        for _ in range(8):  # psycopg prepares a statement on its sixth execution
            assert client.get(link + "/delegates", headers=BROWSER).status_code == 200
        db.session.remove()
        assert db.engine.pool.checkedin() == 1
        # The link's statement, run on each of the nine requests, is prepared and stays so;
        # a rollback at the end of each request would have made psycopg forget it.
        assert prepared_statements() == 1
        db.engine.dispose()


def test_a_request_that_changed_anything_without_committing_saves_nothing(app, client):
    make_country("EE")
    db.session.commit()

    @app.get("/test/write-then-fail")
    @public
    def write_then_fail():
        db.session.add(Country(code="ZZ", names={"en": "Nowhere"}, region="Europe"))
        db.session.flush()
        return "not committed"

    @app.get("/test/read")
    @public
    def read():
        return str(db.session.scalar(select(func.count()).select_from(Country)))

    @app.get("/test/change-then-fail")
    @public
    def change_then_fail():
        # Read, then changed in memory only: no statement has written yet, a commit would.
        db.session.scalar(select(Country).filter_by(code="EE")).region = "Nowhere"
        return "not committed"

    assert client.get("/test/write-then-fail").status_code == 200
    assert client.get("/test/read").get_data(as_text=True) == "1"
    assert db.session.scalar(select(func.count()).select_from(Country)) == 1
    assert client.get("/test/change-then-fail").status_code == 200
    assert db.session.scalar(select(Country.region).filter_by(code="EE")) != "Nowhere"
