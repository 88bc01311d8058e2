"""Secretariat sign-in: Argon2 password hashes, roles, and the decorators that guard routes."""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort
from flask_login import current_user

from .extensions import db, login_manager
from .models import Role, User

_hasher = PasswordHasher()
# Verified against when the email is unknown, so that a wrong email costs as long as a
# wrong password and sign-in does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("plenary-timing-equaliser")

MINIMUM_PASSWORD_LENGTH = 12

F = TypeVar("F", bound=Callable[..., Any])


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    """Whether the password is the user's; rehashes when the parameters have changed."""
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
    if user is None or not user.password_hash:
        return False
    if _hasher.check_needs_rehash(stored):
        user.password_hash = hash_password(password)
    return True


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    # "id:version": a cookie made before the user's last sign-out or password change
    # names an older version and opens nothing, even if it was copied elsewhere.
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit() or len(user_id) > 18:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return user


class Access(enum.StrEnum):
    """Who a route is for; every view declares one (tests/test_access.py enumerates them)."""

    PUBLIC = "public"  # anyone, signed in or not
    TOKEN = "token"  # whoever holds a signed personal link; the view reads and checks it
    STAFF = "staff"  # signed-in Secretariat staff and admins
    ADMIN = "admin"  # signed-in admins only


def access_of(view: Callable[..., Any]) -> Access | None:
    """The access a view declared, or None if it declared nothing."""
    return getattr(view, "access", None)


def _declare(view: F, access: Access, purpose: str | None = None) -> F:
    view.access = access  # type: ignore[attr-defined]
    view.link_purpose = purpose  # type: ignore[attr-defined]
    return view


def public(view: F) -> F:
    """Declare a route open to anyone (the home page, sign-in, the contact form)."""
    return _declare(view, Access.PUBLIC)


def personal_link(purpose: str) -> Callable[[F], F]:
    """Declare a route reached by a personal link of this purpose, read from its `token`."""

    def decorate(view: F) -> F:
        return _declare(view, Access.TOKEN, purpose)

    return decorate


def role_required(*roles: Role) -> Callable[[F], F]:
    """Let through signed-in users with one of these roles; others get 403 (or the login page)."""
    access = Access.ADMIN if set(roles) == {Role.ADMIN} else Access.STAFF

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return _declare(guarded, access)  # type: ignore[return-value]

    return decorate


staff_required = role_required(Role.ADMIN, Role.STAFF)
admin_required = role_required(Role.ADMIN)
