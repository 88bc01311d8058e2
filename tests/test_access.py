"""Every route x every role: who may open what, as each route declares it (plenary.auth).

A route that declares no access fails here, so that no new route can escape the matrix.
How to declare: `@public`, `@personal_link(purpose)`, `@staff_required` or `@admin_required`
(plenary.auth) directly under the route decorator. A page reached by a personal link is
opened with each party's own records (its delegates, its files) and must open nothing of
the other party's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import stamp

from plenary.auth import Access, access_of
from plenary.extensions import db
from plenary.invitations.models import CircularState, Invitation
from plenary.invitations.notifications import invitation_url
from plenary.links import make_token
from plenary.models import (
    EventSession,
    LinkedEvent,
    OutboxMessage,
    OutboxState,
    Role,
    StoredFile,
    User,
)
from plenary.registration.models import Delegate, DelegateRole, DelegateState, Delegation
from tests.conftest import CSRF_INPUT
from tests.factories import make_addressee, make_circular, make_country, make_event, make_user

ROLES = ("anonymous", "focal point of A", "focal point of B", "staff", "admin")
SIGNED_IN = {"staff": "staff@example.org", "admin": "admin@example.org"}
# Names of the two parties, to check that one's link never shows the other.
PARTY_NAMES = {"focal point of A": "Estonia", "focal point of B": "El Salvador"}
DENIED = (401, 403)
NOT_FOUND = (404, 410)


@dataclass
class Visitor:
    role: str
    client: FlaskClient
    csrf: str
    link_tokens: dict[str, str] = field(default_factory=dict)  # purpose -> their own token


def build_world(app: Flask) -> dict[str, dict[str, str]]:
    """Ids 1 of every kind of record, two parties with genuine links; returns their tokens."""
    from datetime import UTC, datetime

    make_user(SIGNED_IN["admin"], Role.ADMIN)  # id 1: the admin cannot deactivate itself
    make_user(SIGNED_IN["staff"], Role.STAFF)
    event = make_event()
    estonia, salvador = make_country("EE"), make_country("SV")
    addressees = [
        make_addressee(estonia, email="admin.ee@example.org"),
        make_addressee(salvador, email="admin.sv@example.org", full_name="Sra. Ana Pérez"),
    ]
    circular = make_circular(event)
    circular.state = CircularState.SENT  # nothing in the matrix sends a whole circular
    invitations = [
        Invitation(circular=circular, addressee=addressee, language="en")
        for addressee in addressees
    ]
    db.session.add_all(invitations)
    db.session.add(
        EventSession(
            event=event, kind="networking", title={"en": "Reception"}, room="Room 1",
            starts_at=datetime(2026, 7, 6, 8, tzinfo=UTC),
            ends_at=datetime(2026, 7, 6, 9, tzinfo=UTC), capacity=10,
        )
    )  # fmt: skip
    # Each party's delegation, its note verbale and four delegates: one to open, one to
    # remove, one self-registered to accept and one to decline. Odd ids are A's, even B's.
    parties = []
    for country in (estonia, salvador):
        note = StoredFile(filename="note.pdf", content_type="application/pdf", size=8,
                          sha256="0" * 64, data=b"%PDF-1.7")  # fmt: skip
        parties.append(Delegation(event=event, country=country, participates=True,
                                  note_verbale=note))  # fmt: skip
        db.session.add(parties[-1])
        db.session.flush()
    for number in range(4):
        for delegation in parties:
            code = delegation.country.code.lower()
            db.session.add(
                Delegate(delegation=delegation, event_id=event.id, given_name="Kaja",
                         family_name=f"Tamm {number}", email=f"kaja{number}@{code}.example",
                         role=DelegateRole.MEMBER, state=DelegateState.PENDING,
                         self_registered=number >= 2)
            )  # fmt: skip
            db.session.flush()
    db.session.add(
        LinkedEvent(event=event, title={"en": "AI for Good"}, url="https://example.org",
                    starts_on=event.ends_on, ends_on=event.ends_on)
    )  # fmt: skip
    db.session.add(
        OutboxMessage(message_id="<1@plenary.test>", kind="test.note", sender="a@example.org",
                      recipients=["b@example.org"], subject="Note", text_body="Hello",
                      state=OutboxState.SENT)
    )  # fmt: skip
    db.session.commit()
    stamp()  # the schema is the models' own (create_all): /readyz finds it current
    with app.test_request_context():
        links = [invitation_url(invitation) for invitation in invitations]
    tokens = [link.rsplit("/", 1)[1].split("?")[0] for link in links]
    return {
        "focal point of A": {"invitation": tokens[0]},
        "focal point of B": {"invitation": tokens[1]},
    }


OWN_IDS = {
    "focal point of A": {"delegate_id": "1", "file_id": "1"},
    "focal point of B": {"delegate_id": "2", "file_id": "2"},
}
# Actions that change a delegate take one of their own (see build_world).
OWN_DELEGATE_FOR = {
    "registration.delegate_remove": 2,
    "registration.delegate_accept": 4,
    "registration.delegate_decline": 6,
}


def own_ids(rule, role: str) -> dict[str, str]:
    ids = dict(OWN_IDS[role])
    if rule.endpoint in OWN_DELEGATE_FOR:
        ids["delegate_id"] = str(int(ids["delegate_id"]) + OWN_DELEGATE_FOR[rule.endpoint])
    return ids


def visitor(app: Flask, role: str, tokens: dict[str, str]) -> Visitor:
    client = app.test_client()
    for token in tokens.values():  # a focal point has opened their own link
        client.get(f"/delegation/{token}")
    match = CSRF_INPUT.search(client.get("/login").get_data(as_text=True))
    return Visitor(role, client, match.group(1) or match.group(2), tokens)


def keep_signed_in(visitor: Visitor) -> None:
    """Put the user in the session again: a POST to /logout in the matrix ends it."""
    if visitor.role in SIGNED_IN:
        user = db.session.scalar(db.select(User).filter_by(email=SIGNED_IN[visitor.role]))
        with visitor.client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True


SELECT = re.compile(r"<select\b.*?</select>", re.DOTALL)
PART = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
SAMPLE_VALUES = {"slug": "dialogue", "code": "fr", "filename": "no-such-file.css"}


def url_for_rule(rule, token: str, ids: dict[str, str] | None = None) -> str:
    def value(match: re.Match) -> str:
        converter, name = match.group(1), match.group(2)
        if name == "token":
            return token
        if ids and name in ids:
            return ids[name]
        if converter == "int":
            return "1"
        return SAMPLE_VALUES.get(name, "1")

    return PART.sub(value, rule.rule)


def problems_for(rule, access: Access, visitor: Visitor, method: str) -> list[str]:
    """What is wrong with this role's answers on this rule (an empty list if nothing)."""
    found = []

    def open_(url: str):
        keep_signed_in(visitor)
        data = {"csrf_token": visitor.csrf} if method != "GET" else None
        response = visitor.client.open(url, method=method, data=data)
        where = f"{method} {rule.rule} as {visitor.role}: {response.status_code}"
        if response.status_code >= 500:
            found.append(f"{where} (server error)")
        return response, where

    if access == Access.TOKEN:
        purpose = access_of_purpose(rule)
        forged = ["forged-token", make_token("a-purpose-no-route-reads", {"invitation": 1})]
        for token in forged:
            response, where = open_(url_for_rule(rule, token))
            if response.status_code not in NOT_FOUND:
                found.append(f"{where}: a forged or foreign link must open nothing")
        own = visitor.link_tokens.get(purpose)
        if own is not None:
            other_role = next(role for role in PARTY_NAMES if role != visitor.role)
            theirs = {
                name: OWN_IDS[other_role][name]
                for name in rule.arguments & OWN_IDS[other_role].keys()
            }
            if theirs:
                response, where = open_(url_for_rule(rule, own, theirs))
                if response.status_code not in NOT_FOUND:
                    found.append(f"{where}: the other party's records must open nothing")
            response, where = open_(url_for_rule(rule, own, own_ids(rule, visitor.role)))
            if response.status_code in DENIED + NOT_FOUND:
                found.append(f"{where}: the genuine link of this party must open")
            other = PARTY_NAMES[other_role]
            # A list of every country to choose from (a nationality) names the other party
            # too: only what the page says outside its drop-down lists counts.
            shown = SELECT.sub("", response.get_data(as_text=True))
            if other in shown:
                found.append(f"{where}: the page shows the other party, {other}")
        return found

    response, where = open_(url_for_rule(rule, "forged-token"))
    to_login = response.status_code == 302 and response.headers["Location"].startswith("/login")
    allowed = response.status_code not in DENIED and not to_login
    if access == Access.PUBLIC:
        expected_allowed = True
    elif access == Access.STAFF:
        expected_allowed = visitor.role in SIGNED_IN
    else:
        expected_allowed = visitor.role == "admin"
    if expected_allowed and not allowed:
        found.append(f"{where}: should be let through ({access})")
    if not expected_allowed:
        if visitor.role in SIGNED_IN and response.status_code != 403:
            found.append(f"{where}: should be 403 ({access})")
        if visitor.role not in SIGNED_IN and not to_login:
            found.append(f"{where}: should be sent to sign in ({access})")
    return found


def access_of_purpose(rule) -> str | None:
    from flask import current_app

    return getattr(current_app.view_functions[rule.endpoint], "link_purpose", None)


def declared_access(app: Flask, rule) -> Access | None:
    if rule.endpoint == "static":
        return Access.PUBLIC  # Flask's own: the CSS and fonts every page needs
    return access_of(app.view_functions[rule.endpoint])


def test_every_route_declares_who_may_open_it(app):
    undeclared = sorted(
        f"{rule.rule} ({rule.endpoint})"
        for rule in app.url_map.iter_rules()
        if declared_access(app, rule) is None
    )
    assert not undeclared, (
        "these routes declare no access: put @public, @personal_link(purpose), "
        "@staff_required or @admin_required (plenary.auth) under their route decorator: "
        + ", ".join(undeclared)
    )


def test_every_route_answers_each_role_as_it_declares(app):
    tokens = build_world(app)
    visitors = [visitor(app, role, tokens.get(role, {})) for role in ROLES]
    rules = list(app.url_map.iter_rules())
    assert len(rules) >= 40
    problems = []
    for rule in rules:
        access = declared_access(app, rule)
        if access is None:
            problems.append(f"{rule.rule}: declares no access")
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for person in visitors:
                problems += problems_for(rule, access, person, method)
    assert not problems, "\n".join(problems)


def test_the_matrix_notices_a_route_that_declares_nothing(app):
    @app.get("/forgotten")
    def forgotten():
        return "no decorator"

    with pytest.raises(AssertionError, match="/forgotten"):
        test_every_route_declares_who_may_open_it(app)


def test_the_matrix_notices_a_staff_route_open_to_anyone(app):
    @app.get("/secretariat/leaky")
    def leaky():
        return "secret"

    leaky.access = Access.STAFF  # declared staff, but nothing guards it
    person = visitor(app, "anonymous", {})
    rule = next(rule for rule in app.url_map.iter_rules() if rule.rule == "/secretariat/leaky")
    assert problems_for(rule, Access.STAFF, person, "GET") == [
        "GET /secretariat/leaky as anonymous: 200: should be sent to sign in (staff)"
    ]


# Declarations that guard the Secretariat's most powerful screens: changing one is a decision.
ADMIN_ONLY = {
    "secretariat.user_list",
    "secretariat.user_create",
    "secretariat.user_deactivate",
    "registration.event_create",
    "registration.event_delete",
}


def test_accounts_and_events_stay_admin_only(app):
    declared = {endpoint for endpoint, view in app.view_functions.items()
                if access_of(view) == Access.ADMIN}  # fmt: skip
    assert declared >= ADMIN_ONLY
