"""Secretariat sign-in: Argon2 password hashes, roles, and the decorators that guard routes."""

from __future__ import annotations

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
def _load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


def role_required(*roles: Role) -> Callable[[F], F]:
    """Let through signed-in users with one of these roles; others get 403 (or the login page)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


staff_required = role_required(Role.ADMIN, Role.STAFF)
admin_required = role_required(Role.ADMIN)
