"""Migration 0006 keeps the answers States gave before it: states mapped, levels renamed."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from plenary import create_app
from plenary.extensions import db
from tests.conftest import base_settings


@pytest.fixture(params=["sqlite", "postgresql"])
def database_at_0002(request, tmp_path):
    extra = {}
    if request.param == "postgresql":
        extra["DATABASE_URL"] = request.getfixturevalue("postgres_url")
    app = create_app(base_settings(tmp_path, **extra))
    with app.app_context():
        upgrade(revision="0002_invitations")
        yield app
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()


OLD_ROWS = [
    # code, state, level, speaking
    ("FR", "interested", "ambassador", True),
    ("DE", "declined", "minister", False),
    ("IT", "registered", "deputy_minister", False),
    ("ES", "confirmed", "head_of_state", True),
    ("PT", "invited", None, False),
]


def test_old_answers_become_intent_and_state(database_at_0002):
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO event (slug, title, description, venue, city, country_code, starts_on,"
                " ends_on, timezone, inquiry_email, contributions_email, published) VALUES"
                " ('e', '{}', '{}', '', '', '', '2026-07-06', '2026-07-07', 'UTC', '', '', true)"
            )
        )
        for number, (code, *_rest) in enumerate(OLD_ROWS, start=1):
            connection.execute(
                text(
                    "INSERT INTO country (id, code, names, region, member_state)"
                    " VALUES (:id, :code, '{}', 'europe', true)"
                ),
                {"id": number, "code": code},
            )
        for number, (_code, state, level, speaking) in enumerate(OLD_ROWS, start=1):
            connection.execute(
                text(
                    "INSERT INTO delegation (event_id, country_id, state, head_level,"
                    " speaking_request, focal_point_name, focal_point_email, comment,"
                    " answered_at, created_at, updated_at) VALUES ((SELECT id FROM event),"
                    " :country, :state, :level, :speaking, '', '', '',"
                    " '2026-05-01 10:00:00+00:00', '2026-05-01 10:00:00+00:00',"
                    " '2026-05-01 10:00:00+00:00')"
                ),
                {"country": number, "state": state, "level": level, "speaking": speaking},
            )
    upgrade()
    with db.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT country_id, state, participates, head_level, delegate_count, version,"
                " submitted_at IS NOT NULL, approved_at IS NOT NULL FROM delegation"
                " ORDER BY country_id"
            )
        ).all()
    assert [tuple(row) for row in rows] == [
        (1, "draft", True, "permanent_representative", 0, 1, False, False),
        (2, "draft", False, None, 0, 1, False, False),
        (3, "submitted", True, "vice_minister", 0, 1, True, False),
        (4, "approved", True, "head_of_state", 0, 1, False, True),
        (5, "draft", None, None, 0, 1, False, False),
    ]
    # The new constraints hold: an old state is refused now.
    with pytest.raises(Exception, match=r"(?i)check"), db.engine.begin() as connection:
        connection.execute(text("UPDATE delegation SET state = 'interested' WHERE country_id = 1"))
