import re

from plenary import create_app
from plenary.extensions import db
from plenary.models import AuditEntry, OutboxMessage, Role, User
from tests.conftest import base_settings, csrf_token, submit
from tests.factories import PASSWORD, make_user, sign_in


def test_passwords_are_stored_as_argon2id_hashes(app):
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_staff_member_signs_in_and_reaches_the_dashboard(client):
    make_user("staff@example.org")
    response = sign_in(client, "staff@example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/secretariat/"
    page = client.get("/secretariat/").get_data(as_text=True)
    assert "staff@example.org" in page
    assert "Sent mail" in page


def test_wrong_password_is_refused_with_a_message_next_to_the_field(client):
    make_user("staff@example.org")
    response = sign_in(client, "staff@example.org", "not the password")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<p class="error" id="password-error">The email or the password is wrong.</p>' in page
    assert client.get("/secretariat/").status_code == 302


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client):
    page = sign_in(client, "nobody@example.org").get_data(as_text=True)
    assert "The email or the password is wrong." in page


def test_deactivated_account_cannot_sign_in(client):
    user = make_user("gone@example.org")
    user.active = False
    db.session.commit()
    assert "The email or the password is wrong." in sign_in(client, "gone@example.org").get_data(
        as_text=True
    )


def test_every_secretariat_page_sends_anonymous_visitors_to_sign_in(app, client):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/secretariat")]
    assert len(rules) >= 6
    # A valid CSRF token, so that it is the sign-in check that answers, not the CSRF one.
    token = csrf_token(client, "/login")
    for rule in rules:
        url = re.sub(r"<(?:\w+:)?(\w+)>", "1", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 302, (method, url, response.status_code)
            assert response.headers["Location"].startswith("/login?next="), (method, url)


def test_staff_cannot_manage_accounts(client):
    make_user("staff@example.org", Role.STAFF)
    sign_in(client, "staff@example.org")
    assert client.get("/secretariat/users").status_code == 403
    response = client.post("/secretariat/users", data={"email": "x@example.org"})
    assert response.status_code in (400, 403)
    assert db.session.scalar(db.select(User).filter_by(email="x@example.org")) is None


def test_forms_without_csrf_token_are_refused(client):
    make_user("staff@example.org")
    response = client.post("/login", data={"email": "staff@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)


def test_signing_out_needs_a_post_with_csrf(client):
    make_user("staff@example.org")
    sign_in(client, "staff@example.org")
    assert client.get("/logout").status_code == 405
    submit(client, "/secretariat/", "/logout")
    assert client.get("/secretariat/").status_code == 302


def test_sign_in_only_follows_same_site_next(client):
    make_user("staff@example.org")
    token_page = "/login?next=https://evil.example/"
    response = submit(client, token_page, email="staff@example.org", password=PASSWORD)
    assert response.headers["Location"] == "/secretariat/"


def test_admin_creates_an_account_and_the_new_user_chooses_a_password(client):
    make_user("admin@example.org", Role.ADMIN)
    sign_in(client, "admin@example.org")
    response = submit(
        client,
        "/secretariat/users",
        email="New.Colleague@EXAMPLE.org",
        full_name="New Colleague",
        role="staff",
    )
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).filter_by(email="new.colleague@example.org"))
    assert user is not None and user.password_hash is None
    message = db.session.scalar(db.select(OutboxMessage).filter_by(kind="core.account_link"))
    assert message.recipients == ["new.colleague@example.org"]
    assert message.subject == "Your Plenary account"
    link = re.search(r"http://plenary\.test(/account/password/\S+)", message.text_body).group(1)
    assert "Dear New Colleague," in message.text_body

    submit(client, "/secretariat/", "/logout")
    page = client.get(link).get_data(as_text=True)
    assert "new.colleague@example.org" in page
    short = submit(client, link, password="short", confirm="short")
    assert "Use at least 12 characters." in short.get_data(as_text=True)
    response = submit(client, link, password="a long new password", confirm="a long new password")
    assert response.headers["Location"] == "/login"
    assert sign_in(client, "new.colleague@example.org", "a long new password").status_code == 302
    # The link was used: it no longer opens.
    submit(client, "/secretariat/", "/logout")
    assert client.get(link).status_code == 404
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"user.create", "user.password_set", "user.login"} <= actions


def test_creating_an_account_twice_says_so_next_to_the_email(client):
    make_user("admin@example.org", Role.ADMIN)
    make_user("taken@example.org")
    sign_in(client, "admin@example.org")
    response = submit(
        client, "/secretariat/users", email="taken@example.org", full_name="Someone", role="staff"
    )
    assert response.status_code == 400
    assert "An account with this email already exists." in response.get_data(as_text=True)


def test_admin_deactivates_an_account(client):
    make_user("admin@example.org", Role.ADMIN)
    other = make_user("leaving@example.org")
    sign_in(client, "admin@example.org")
    submit(client, "/secretariat/users", f"/secretariat/users/{other.id}/deactivate")
    db.session.refresh(other)
    assert other.active is False


def test_sign_in_is_rate_limited(tmp_path):
    limited = create_app(base_settings(tmp_path, RATELIMIT_ENABLED="true"))
    with limited.app_context():
        db.create_all()
        make_user("staff@example.org")
        client = limited.test_client()
        codes = [sign_in(client, "staff@example.org", "wrong").status_code for _ in range(11)]
        db.session.remove()
    assert codes[:10] == [200] * 10
    assert codes[10] == 429
    page = sign_in(client, "staff@example.org").get_data(as_text=True)
    assert "Too many attempts" in page
