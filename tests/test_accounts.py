"""Accounts and links: sessions end when they should, secrets in mail stay with their recipient."""

from __future__ import annotations

import re

import pytest

from plenary import create_app, outbox
from plenary.extensions import db
from plenary.links import personal_url
from plenary.models import OutboxMessage, OutboxState, Role, User
from plenary.redaction import mark_secret
from tests.conftest import RequestClient, base_settings, submit
from tests.factories import (
    PASSWORD,
    make_addressee,
    make_circular,
    make_country,
    make_event,
    make_user,
    sign_in,
)

ACCOUNT_LINK = re.compile(r"http://plenary\.test(/account/password/[^\s\"<]+)")


def copy_of_session(app, browser):
    """Another browser holding a copy of this one's session cookie."""
    copy = app.test_client()
    copy.set_cookie("session", browser.get_cookie("session").value)
    return copy


# --- sessions -----------------------------------------------------------------------------


def test_a_copied_session_cookie_stops_working_after_sign_out(app):
    make_user("staff@example.org")
    browser = app.test_client()
    sign_in(browser, "staff@example.org")
    copy = copy_of_session(app, browser)
    assert copy.get("/secretariat/").status_code == 200

    submit(browser, "/secretariat/", "/logout")

    assert copy.get("/secretariat/").status_code == 302
    assert browser.get("/secretariat/").status_code == 302


def test_signing_out_ends_the_sessions_on_other_devices(app):
    make_user("staff@example.org")
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, "staff@example.org")
    sign_in(phone, "staff@example.org")
    submit(laptop, "/secretariat/", "/logout")
    assert phone.get("/secretariat/").status_code == 302
    assert sign_in(phone, "staff@example.org").status_code == 302  # signing in again works
    assert phone.get("/secretariat/").status_code == 200


def test_a_password_change_ends_every_other_session(app):
    user = make_user("staff@example.org")
    elsewhere = app.test_client()
    sign_in(elsewhere, "staff@example.org")
    stolen = copy_of_session(app, elsewhere)
    from plenary.users import send_account_link

    send_account_link(user)  # an admin sends a new link; the user chooses a new password
    db.session.commit()
    message = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    link = ACCOUNT_LINK.search(message.text_body).group(1)
    owner = app.test_client()
    response = submit(owner, link, password="a brand new password", confirm="a brand new password")
    assert response.status_code == 302

    assert elsewhere.get("/secretariat/").status_code == 302
    assert stolen.get("/secretariat/").status_code == 302
    assert sign_in(owner, "staff@example.org", PASSWORD).status_code == 200  # old one refused
    assert sign_in(owner, "staff@example.org", "a brand new password").status_code == 302


def test_changing_ones_password_ends_the_other_sessions_and_keeps_this_one(app):
    make_user("staff@example.org")
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, "staff@example.org")
    sign_in(elsewhere, "staff@example.org")
    page = "/account/password"
    wrong = submit(here, page, current="not it at all", password="x" * 14, confirm="x" * 14)
    assert wrong.status_code == 400
    assert "This is not your current password." in wrong.get_data(as_text=True)
    assert elsewhere.get("/secretariat/").status_code == 200  # nothing changed yet

    response = submit(here, page, current=PASSWORD, password="x" * 14, confirm="x" * 14)
    assert response.status_code == 302
    assert here.get("/secretariat/").status_code == 200
    assert elsewhere.get("/secretariat/").status_code == 302
    assert sign_in(elsewhere, "staff@example.org", "x" * 14).status_code == 302


def test_a_deactivated_account_reactivated_later_revives_no_old_session(app):
    from plenary.users import deactivate

    admin = make_user("admin@example.org", Role.ADMIN)
    user = make_user("staff@example.org")
    browser = app.test_client()
    sign_in(browser, "staff@example.org")
    deactivate(user, by=admin)
    db.session.commit()
    assert browser.get("/secretariat/").status_code == 302
    user.active = True
    db.session.commit()
    assert browser.get("/secretariat/").status_code == 302


def test_a_cookie_from_before_session_versions_opens_nothing(app):
    user = make_user("staff@example.org")
    old_style = app.test_client()
    with old_style.session_transaction() as session:
        session["_user_id"] = str(user.id)  # what Flask-Login stored before
        session["_fresh"] = True
    assert old_style.get("/secretariat/").status_code == 302


# --- the Sent mail page -------------------------------------------------------------------


@pytest.fixture
def new_admin_link(app):
    """An admin creates a second admin account; its set-password email is in the outbox."""
    make_user("admin@example.org", Role.ADMIN)
    make_user("staff@example.org", Role.STAFF)
    admin = app.test_client()
    sign_in(admin, "admin@example.org")
    submit(admin, "/secretariat/users", email="deputy@example.org", full_name="Deputy",
           role="admin")  # fmt: skip
    message = db.session.scalar(db.select(OutboxMessage).filter_by(kind="core.account_link"))
    return message, ACCOUNT_LINK.search(message.text_body).group(1)


def test_staff_cannot_read_a_set_password_link_on_the_sent_mail_page(app, new_admin_link):
    message, link = new_admin_link
    token = link.rsplit("/", 1)[1]
    staff = app.test_client()
    sign_in(staff, "staff@example.org")
    for page in ("/secretariat/mail", f"/secretariat/mail/{message.id}"):
        response = staff.get(page)
        assert response.status_code == 200
        assert token not in response.get_data(as_text=True), page
    shown = staff.get(f"/secretariat/mail/{message.id}").get_data(as_text=True)
    assert "This message carries a personal link. Only its recipient may read it" in shown
    assert "Your Plenary account" in shown  # the subject and the recipient are still shown
    assert "deputy@example.org" in shown
    # And so the attack fails: the link is not where staff can reach it.
    assert "Dear Deputy," not in shown


def test_admins_see_a_secret_bearing_body_without_its_link(app, new_admin_link):
    message, link = new_admin_link
    admin = app.test_client()
    sign_in(admin, "admin@example.org")
    page = admin.get(f"/secretariat/mail/{message.id}").get_data(as_text=True)
    assert "Dear Deputy," in page
    assert "[personal link removed]" in page
    assert link.rsplit("/", 1)[1] not in page
    assert "/account/password/" not in page


def test_a_secret_bearing_message_can_still_be_retried_and_reaches_its_recipient(
    app, new_admin_link
):
    message, link = new_admin_link
    message.state = OutboxState.FAILED
    message.last_error = "550 mailbox unavailable"
    db.session.commit()
    staff = app.test_client()
    sign_in(staff, "staff@example.org")
    page = f"/secretariat/mail/{message.id}"
    assert "Retry" in staff.get(page).get_data(as_text=True)
    response = submit(staff, page, f"{page}/retry")
    assert response.status_code == 302
    db.session.refresh(message)
    assert message.state in (OutboxState.PENDING, OutboxState.SENDING, OutboxState.SENT)
    assert link in message.text_body  # the recipient still gets the working link


def test_mail_without_a_secret_is_shown_in_full_to_staff(app):
    make_user("staff@example.org")
    email = outbox.RenderedEmail("Agenda", "The agenda is attached.\n", None)
    message = outbox.enqueue(kind="test.note", recipients=["x@example.org"], email=email)
    db.session.commit()
    assert message.carries_secret is False
    staff = app.test_client()
    sign_in(staff, "staff@example.org")
    assert "The agenda is attached." in staff.get(f"/secretariat/mail/{message.id}").get_data(
        as_text=True
    )


def test_any_kind_of_mail_with_a_personal_link_is_marked_as_carrying_a_secret(app):
    """A new area's email (registration, inquiries) is protected without declaring anything."""
    with app.test_request_context():
        url = personal_url("registration.delegation_answer", "some-new-purpose", {"x": 1})
    email = outbox.RenderedEmail("Your registration", f"Open {url} to see it.\n", None)
    message = outbox.enqueue(kind="registration.confirmation", recipients=["d@x.org"], email=email)
    plain = outbox.enqueue(
        kind="registration.confirmation",
        recipients=["d@x.org"],
        email=outbox.RenderedEmail("Thanks", "See http://plenary.test/ for the programme.\n", None),
    )
    db.session.commit()
    assert message.carries_secret is True
    assert plain.carries_secret is False


def test_a_circular_email_carries_a_secret(app):
    from plenary.invitations import notifications
    from plenary.invitations.models import Invitation

    event = make_event()
    addressee = make_addressee(make_country("EE"), email="admin.ee@example.org")
    circular = make_circular(event)
    invitation = Invitation(circular=circular, addressee=addressee, language="en")
    db.session.add(invitation)
    db.session.flush()
    message = notifications.enqueue_circular(invitation)
    db.session.flush()
    assert message.carries_secret is True


# --- previews -----------------------------------------------------------------------------


def test_a_circular_preview_shows_no_working_personal_link(app):
    make_user("staff@example.org")
    event = make_event()
    addressee = make_addressee(make_country("EE"), email="admin.ee@example.org")
    circular = make_circular(event)
    db.session.commit()
    staff = app.test_client()
    sign_in(staff, "staff@example.org")
    page = staff.get(
        f"/secretariat/invitations/circulars/{circular.id}/preview?lang=en&addressee={addressee.id}"
    ).get_data(as_text=True)
    assert "/delegation/" not in page
    link = re.search(r"http://plenary\.test(/\S*preview\S*)", page).group(1)

    visitor = app.test_client()
    response = visitor.get(link)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "This is a preview." in text
    assert "Estonia" not in text and "Will your delegation take part?" not in text
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_a_preview_link_signed_before_previews_stopped_making_them_opens_nothing(app):
    from plenary.links import make_token

    event = make_event()
    estonia = make_country("EE")
    db.session.commit()
    old_preview = make_token(
        "invitation", {"invitation": 0, "event": event.id, "country": estonia.id,
                       "organisation": None}
    )  # fmt: skip
    response = app.test_client().get(f"/delegation/{old_preview}")
    assert response.status_code == 404
    assert "Estonia" not in response.get_data(as_text=True)


def test_the_demo_shows_admins_the_links_of_its_emails_and_nobody_else(tmp_path):
    """`make run` (development): a newcomer follows a personal link from the Sent mail page."""
    app = create_app(base_settings(tmp_path, PLENARY_ENV="development"))
    app.test_client_class = RequestClient
    with app.app_context():
        db.create_all()
        make_user("admin@example.org", Role.ADMIN)
        make_user("staff@example.org", Role.STAFF)
        email = outbox.RenderedEmail(
            "Invitation", "Your link: http://plenary.test/delegation/abc\n", None
        )
        message = outbox.enqueue(kind="test.note", recipients=["x@example.org"], email=email)
        mark_secret(message)
        db.session.commit()
        admin, staff = app.test_client(), app.test_client()
        sign_in(admin, "admin@example.org")
        sign_in(staff, "staff@example.org")
        page = admin.get(f"/secretariat/mail/{message.id}").get_data(as_text=True)
        assert "http://plenary.test/delegation/abc" in page
        assert "This is the demo: its personal links are shown" in page
        withheld = staff.get(f"/secretariat/mail/{message.id}").get_data(as_text=True)
        assert "/delegation/abc" not in withheld
        db.session.remove()
