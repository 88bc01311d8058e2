"""Operations on Secretariat accounts: create, invite, set a password, deactivate."""

from __future__ import annotations

from flask import current_app

from . import audit, outbox
from .auth import MINIMUM_PASSWORD_LENGTH, hash_password
from .extensions import db
from .links import LinkInvalid, personal_url, read_token
from .models import Role, User

ACCOUNT_LINK = "account-password"


class UserExists(Exception):
    """An account with this email already exists."""


class PasswordTooShort(ValueError):
    """The password is shorter than the minimum."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))


def create_user(
    email: str,
    role: Role,
    *,
    full_name: str = "",
    password: str | None = None,
    by: User | None = None,
    actor: str | None = None,
) -> User:
    """Add a Secretariat account; without a password it is sent a link to choose one."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise UserExists(email)
    user = User(email=email, role=role, full_name=full_name.strip())
    if password is not None:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", user, user=by, actor=actor, role=str(role))
    if password is None:
        send_account_link(user)
    return user


def set_password(user: User, password: str) -> None:
    """Set a new password; every session signed in with the old one ends."""
    if len(password) < MINIMUM_PASSWORD_LENGTH:
        raise PasswordTooShort(MINIMUM_PASSWORD_LENGTH)
    user.password_hash = hash_password(password)
    if user.id is not None:
        end_sessions(user)


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: every session cookie issued so far stops working."""
    user.session_version = (user.session_version or 0) + 1


def account_token_payload(user: User) -> dict:
    # The hash's tail changes with each new password, so a used link stops working.
    return {"user": user.id, "stamp": (user.password_hash or "")[-12:]}


def send_account_link(user: User) -> None:
    """Email the user a link to choose their password, through the outbox."""
    url = personal_url("auth.password_set", ACCOUNT_LINK, account_token_payload(user))
    hours = current_app.config["ACCOUNT_LINK_MAX_AGE_HOURS"]
    email = outbox.render_email("core/account_link", user.language, user=user, url=url, hours=hours)
    outbox.enqueue(
        kind="core.account_link",
        recipients=[user.email],
        email=email,
        language=user.language,
        subject_ref=f"user_account:{user.id}",
    )


def user_from_account_token(token: str) -> User:
    """The user a password link was made for, if it is still valid and unused."""
    max_age = current_app.config["ACCOUNT_LINK_MAX_AGE_HOURS"] * 3600
    payload = read_token(ACCOUNT_LINK, token, max_age_seconds=max_age)
    user = db.session.get(User, payload.get("user"))
    if user is None or not user.active or account_token_payload(user) != payload:
        raise LinkInvalid("account link no longer valid")
    return user


def deactivate(user: User, *, by: User) -> None:
    user.active = False
    end_sessions(user)  # so that reactivating the account revives no old session
    audit.record("user.deactivate", user, user=by)
