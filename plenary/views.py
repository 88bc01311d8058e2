"""The core screens: sign-in, language, staff accounts and the Sent mail page."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from . import audit, inputs, outbox, redaction, users
from .auth import admin_required, check_password, personal_link, public, staff_required
from .extensions import db, limiter
from .forms import ConfirmForm, LoginForm, PasswordChangeForm, PasswordSetForm, UserCreateForm
from .i18n import LANGUAGES
from .links import LinkExpired, LinkInvalid
from .models import OutboxMessage, OutboxState, Role, User, utcnow

auth = Blueprint("auth", __name__)
site = Blueprint("site", __name__)
secretariat = Blueprint("secretariat", __name__, url_prefix="/secretariat")

MAIL_PAGE_SIZE = 50


def _safe_next(target: str | None, fallback: str) -> str:
    """Only same-site paths are followed after sign-in or a language change."""
    # Browsers drop tabs and line breaks and read a backslash as "/", so "/<tab>/evil.example"
    # would leave the site; and a line break cannot go into a Location header at all.
    if target and any(character.isspace() or character == "\\" or not character.isprintable()
                      for character in target):  # fmt: skip
        return fallback
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return fallback


@site.get("/language/<code>")
@public
def language_set(code: str):
    if code not in LANGUAGES:
        abort(404)
    session["lang"] = code
    target = _safe_next(request.args.get("next"), url_for("registration.event_home"))
    return redirect(_without_lang(target))


def _without_lang(target: str) -> str:
    """The path without its ?lang=, which would otherwise win over the language just chosen."""
    parts = urlsplit(target)
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    )
    return urlunsplit(("", "", parts.path, query, parts.fragment))


@site.get("/preview-link")
@public
def preview_link():
    """Where the links of a circular's preview lead: nowhere, and it says so."""
    return render_template("auth/preview_link.html")


def _address_and_account() -> str:
    email = users.normalise_email(request.form.get("email", ""))[:254]
    return f"{request.remote_addr}|{email}"


@auth.route("/login", methods=["GET", "POST"])
@public
# Keyed on address and account, so that colleagues behind one proxy do not share a bucket,
# and on the address alone, so that one client cannot try every account.
@limiter.limit("10 per minute; 50 per hour", methods=["POST"], key_func=_address_and_account)
@limiter.limit("30 per minute; 200 per hour", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("secretariat.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = users.find_user(form.email.data)
        if check_password(user, form.password.data) and user.active:
            login_user(user)
            user.last_login_at = utcnow()
            audit.record("user.login", user, user=user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next"), url_for("secretariat.dashboard")))
        form.password.errors.append(_("The email or the password is wrong."))
    return render_template("auth/login.html", form=form)


@auth.post("/logout")
@public
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            # Ends this session and any copy of its cookie, on every device.
            users.end_sessions(current_user)
            audit.record("user.logout", current_user)
            db.session.commit()
        logout_user()
        flash(_("You are signed out."), "info")
    return redirect(url_for("registration.event_home"))


@auth.route("/account/password/<token>", methods=["GET", "POST"])
@personal_link(users.ACCOUNT_LINK)
@limiter.limit("20 per hour", methods=["POST"])
def password_set(token: str):
    try:
        user = users.user_from_account_token(token)
    except LinkExpired:
        return render_template("auth/link_invalid.html", expired=True), 410
    except LinkInvalid:
        return render_template("auth/link_invalid.html", expired=False), 404
    form = PasswordSetForm()
    if form.validate_on_submit():
        users.set_password(user, form.password.data)
        audit.record("user.password_set", user, user=user)
        db.session.commit()
        if current_user.is_authenticated and current_user.id == user.id:
            login_user(user)  # this session goes on; every other one has ended
        flash(_("Your password is saved. You can sign in now."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/password_set.html", form=form, user=user)


@auth.route("/account/password", methods=["GET", "POST"])
@staff_required
@limiter.limit("10 per hour", methods=["POST"])
def password_change():
    """A signed-in user changes their password; their other sessions end, this one goes on."""
    user = current_user._get_current_object()
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if check_password(user, form.current.data):
            users.set_password(user, form.password.data)
            audit.record("user.password_change", user, user=user)
            db.session.commit()
            login_user(user)
            flash(_("Your password is changed. You are signed out everywhere else."), "success")
            return redirect(url_for("secretariat.dashboard"))
        form.current.errors.append(_("This is not your current password."))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/password_change.html", form=form), status


@secretariat.get("/")
@staff_required
def dashboard():
    counts = dict(
        db.session.execute(
            select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
        ).all()
    )
    return render_template("secretariat/dashboard.html", mail_counts=counts)


@secretariat.get("/users")
@admin_required
def user_list():
    accounts = db.session.scalars(select(User).order_by(User.email)).all()
    return render_template(
        "secretariat/user_list.html",
        accounts=accounts,
        form=UserCreateForm(),
    )


@secretariat.post("/users")
@admin_required
def user_create():
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = users.create_user(
                form.email.data,
                Role(form.role.data),
                full_name=form.full_name.data,
                by=current_user,
            )
        except users.UserExists:
            form.email.errors.append(_("An account with this email already exists."))
        else:
            db.session.commit()
            flash(_("Account created; a sign-in link was sent to %(email)s.", email=user.email))
            return redirect(url_for("secretariat.user_list"))
    accounts = db.session.scalars(select(User).order_by(User.email)).all()
    page = render_template("secretariat/user_list.html", accounts=accounts, form=form)
    return page, 400


@secretariat.post("/users/<int:user_id>/deactivate")
@admin_required
def user_deactivate(user_id: int):
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        if user.id == current_user.id:
            flash(_("You cannot deactivate your own account."), "error")
        else:
            users.deactivate(user, by=current_user)
            db.session.commit()
            flash(_("%(email)s can no longer sign in.", email=user.email))
    return redirect(url_for("secretariat.user_list"))


@secretariat.get("/mail")
@staff_required
def mail_list():
    state = request.args.get("state")
    page = inputs.page_number()
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if state in {item.value for item in OutboxState}:
        query = query.where(OutboxMessage.state == state)
    messages = db.paginate(query, page=page, per_page=MAIL_PAGE_SIZE, error_out=False)
    counts = dict(
        db.session.execute(
            select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
        ).all()
    )
    return render_template(
        "secretariat/mail_list.html",
        messages=messages,
        counts=counts,
        state=state,
        states=list(OutboxState),
    )


@secretariat.get("/mail/<int:message_id>")
@staff_required
def mail_show(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    # A secret-bearing body is for its recipient: staff see none of it, admins see it
    # without the links, so that nobody can act as the recipient from this page.
    if not message.carries_secret or (
        current_user.is_admin and current_app.config["SENT_MAIL_SHOWS_LINKS"]
    ):
        body = message.text_body
    elif current_user.is_admin:
        body = redaction.redacted(message.text_body)
    else:
        body = None
    return render_template("secretariat/mail_show.html", message=message, body=body)


@secretariat.post("/mail/<int:message_id>/retry")
@staff_required
def mail_retry(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    if ConfirmForm().validate_on_submit():
        if outbox.retry(message):
            audit.record("outbox.retry", message)
            db.session.commit()
            flash(_("The message is queued again."), "success")
        else:
            flash(_("Only a failed message can be retried."), "error")
    return redirect(_safe_next(request.form.get("next"), url_for("secretariat.mail_list")))
