"""The gate of bulk mail: one send rate for all of it, and a breaker that pauses it.

Both live in one database row, so they hold across every dispatch, worker and host. The
rate is a reservation of slots (GCRA): each message takes the next free slot and waits
for it. The breaker counts SMTP failures in a row; at OUTBOX_BREAKER_FAILURES it pauses
bulk sending until a person resumes it. Mail that is not bulk (sign-in links, answers)
is never held back.
"""

from __future__ import annotations

import time
from datetime import datetime

from flask import current_app
from sqlalchemy import case, select, update
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import OutboxGate, utcnow

BULK = "bulk"


def _ensure_gate() -> None:
    try:
        with db.session.begin_nested():
            db.session.add(OutboxGate(name=BULK, next_slot=0.0, consecutive_failures=0))
    except IntegrityError:  # another process created it first
        pass


def reserve_slot(now: float | None = None) -> float:
    """Take the next sending slot of bulk mail; returns the seconds to wait for it (0: now)."""
    rate = float(current_app.config["INVITATIONS_SEND_RATE"])
    if rate <= 0:
        return 0.0
    interval = 1.0 / rate
    now = time.time() if now is None else now
    for _ in range(2):
        taken = db.session.execute(
            update(OutboxGate)
            .where(OutboxGate.name == BULK)
            .values(
                next_slot=case((OutboxGate.next_slot > now, OutboxGate.next_slot), else_=now)
                + interval
            )
            .returning(OutboxGate.next_slot)
        ).scalar()
        if taken is not None:
            db.session.commit()
            return max(taken - interval - now, 0.0)
        _ensure_gate()
    raise RuntimeError("the outbox gate could not be created")


def status() -> OutboxGate | None:
    """The gate's row as it is now (None before any bulk mail was sent)."""
    return db.session.scalar(
        select(OutboxGate).where(OutboxGate.name == BULK).execution_options(populate_existing=True)
    )


def paused_since() -> datetime | None:
    return db.session.scalar(select(OutboxGate.paused_at).where(OutboxGate.name == BULK))


def record_failure(error: str) -> bool:
    """Count one more SMTP failure in a row; True when this one paused bulk sending."""
    limit = current_app.config["OUTBOX_BREAKER_FAILURES"]
    now = utcnow()
    for _ in range(2):
        row = db.session.execute(
            update(OutboxGate)
            .where(OutboxGate.name == BULK)
            .values(
                consecutive_failures=OutboxGate.consecutive_failures + 1,
                last_error=error[:2000],
                paused_at=case(
                    (
                        (OutboxGate.paused_at.is_(None))
                        & (OutboxGate.consecutive_failures + 1 >= limit),
                        now,
                    ),
                    else_=OutboxGate.paused_at,
                ),
            )
            .returning(OutboxGate.consecutive_failures, OutboxGate.paused_at)
        ).first()
        if row is not None:
            db.session.commit()
            return row.paused_at is not None and row.consecutive_failures == limit
        _ensure_gate()
    return False


def record_success() -> None:
    """A message went through: the failures in a row start again from zero."""
    db.session.execute(
        update(OutboxGate)
        .where(OutboxGate.name == BULK, OutboxGate.consecutive_failures > 0)
        .values(consecutive_failures=0)
    )
    db.session.commit()


def resume() -> bool:
    """Lift the pause (in the caller's transaction); False when sending was not paused."""
    return (
        db.session.execute(
            update(OutboxGate)
            .where(OutboxGate.name == BULK, OutboxGate.paused_at.is_not(None))
            .values(paused_at=None, consecutive_failures=0)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )
