"""Small factories: each test builds exactly the records it needs."""

from __future__ import annotations

from plenary.extensions import db
from plenary.models import Role, User
from plenary.users import create_user

PASSWORD = "correct horse battery staple"


def make_user(email: str = "staff@example.org", role: Role = Role.STAFF, **fields) -> User:
    user = create_user(email, role, password=PASSWORD, actor="test", **fields)
    db.session.commit()
    return user


def sign_in(client, email: str, password: str = PASSWORD):
    from tests.conftest import submit

    return submit(client, "/login", email=email, password=password)
