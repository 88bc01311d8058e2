"""How a request's transaction ends: with COMMIT when it only read.

For PostgreSQL, committing a transaction that only read is the same as rolling it back.
For psycopg it is not: every ROLLBACK makes it forget its prepared statements. Flask-SQLAlchemy
ends each request by closing the session, which rolls back, so no statement was ever
executed often enough to be prepared, and PostgreSQL planned every statement of every page
again (the link's statement alone takes it about 1 ms to plan). A request whose transaction
executed nothing but SELECT statements, and holds no unflushed change, now commits it; any
other is left to roll back, so nothing a request did not commit is ever saved.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

# Set on a connection when its transaction has executed anything but a SELECT.
_WROTE = "plenary.transaction_wrote"


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(
    conn: Connection, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        conn.info[_WROTE] = True


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _forget_writes(conn: Connection) -> None:
    conn.info.pop(_WROTE, None)


def only_read() -> bool:
    """Whether the session's open transaction has executed nothing but SELECT statements and
    holds no change waiting to be flushed (a commit would write it)."""
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return False
    return not session.connection().info.get(_WROTE)


def init_app(app: Flask) -> None:
    @app.teardown_request
    def end_a_read_only_transaction(error: BaseException | None = None) -> None:
        # Before Flask-SQLAlchemy closes the session (teardown_appcontext, which comes after).
        if error is None and only_read():
            try:
                db.session.commit()
            except SQLAlchemyError:
                # The answer has gone out; the session's close rolls back what is left.
                app.logger.warning("a read-only transaction could not commit", exc_info=True)
