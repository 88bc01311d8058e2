"""The audit log: operations record who did what to which record."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from .extensions import db
from .models import AuditEntry, User


def record(
    action: str,
    target: Any = None,
    *,
    user: User | None = None,
    actor: str | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    **details: Any,
) -> AuditEntry:
    """Add an audit entry to the current transaction; the caller commits."""
    if user is None and actor is None and has_request_context() and current_user.is_authenticated:
        user = current_user._get_current_object()
    if target is not None:
        object_type = object_type or target.__tablename__
        object_id = object_id if object_id is not None else getattr(target, "id", None)
    entry = AuditEntry(
        user_id=user.id if user is not None else None,
        # The column holds 200 characters; an email may have 254.
        actor=(actor or (user.email if user is not None else "system"))[:200],
        action=action,
        object_type=object_type or "-",
        object_id=str(object_id) if object_id is not None else None,
        details=details,
        remote_addr=(request.remote_addr or "")[:64] or None if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
