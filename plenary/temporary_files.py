"""Files kept between two requests, in the database, so that any web host can serve the second.

An import's preview and its confirmation may land on two different hosts behind the load
balancer: nothing is written to a web host's disk. Each file has an owner, a size limit
(TEMPORARY_FILE_MAX_BYTES) and an expiry; `purge_expired` (Celery beat, and
`flask temporary-files purge`) deletes what has expired.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app

from .extensions import db
from .models import TemporaryFile, utcnow


class TemporaryFileTooLarge(ValueError):
    """The file is over TEMPORARY_FILE_MAX_BYTES; the argument is the limit."""


class TemporaryFileGone(LookupError):
    """No such file: never stored, already used, expired, or someone else's."""


def store(
    data: bytes,
    *,
    purpose: str,
    owner_id: int | None,
    max_age: timedelta,
    filename: str = "",
    content_type: str = "application/octet-stream",
) -> TemporaryFile:
    """Keep the bytes until max_age has passed; the caller commits and hands out `.key`."""
    limit = current_app.config["TEMPORARY_FILE_MAX_BYTES"]
    if len(data) > limit:
        raise TemporaryFileTooLarge(limit)
    now = utcnow()
    stored = TemporaryFile(
        key=secrets.token_hex(16),
        purpose=purpose,
        owner_id=owner_id,
        filename=filename,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        created_at=now,
        expires_at=now + max_age,
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def fetch(key: str, *, purpose: str, owner_id: int | None) -> TemporaryFile:
    """The file stored under this key for this purpose and owner, if not expired."""
    stored = db.session.scalar(db.select(TemporaryFile).filter_by(key=key, purpose=purpose))
    if stored is None or stored.owner_id != owner_id or stored.expires_at <= utcnow():
        raise TemporaryFileGone(key)
    return stored


def discard(key: str) -> None:
    """Forget the file (the caller commits)."""
    db.session.execute(db.delete(TemporaryFile).where(TemporaryFile.key == key))


def purge_expired(now=None) -> int:
    """Delete every expired file and commit; return how many there were."""
    result = db.session.execute(
        db.delete(TemporaryFile).where(TemporaryFile.expires_at <= (now or utcnow()))
    )
    db.session.commit()
    return result.rowcount
