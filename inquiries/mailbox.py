"""Reading the inquiry mailbox: IMAP (UID + UIDVALIDITY), or a folder of .eml files.

Each message is ingested and committed on its own, so that one bad message, a crash or a
second poller never loses or doubles another.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import ssl
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import exc, select, update

from plenary import jobs
from plenary.extensions import db
from plenary.models import utcnow

from . import operations
from .models import MailboxCursor

logger = logging.getLogger(__name__)
_FETCH_BATCH = 50


class MailboxUnavailable(Exception):
    """The IMAP server could not be reached or refused us; the message says why."""


@dataclass
class PollReport:
    new: int = 0
    joined: int = 0
    duplicate: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def __str__(self) -> str:
        return (
            f"{self.new} new, {self.joined} joined a thread, {self.duplicate} already there, "
            f"{self.failed} failed"
        )


def poll() -> PollReport:
    """Read what is new in the configured mailbox: IMAP when IMAP_HOST is set, else the folder."""
    if current_app.config["IMAP_HOST"]:
        return poll_imap()
    return poll_folder(Path(current_app.config["INQUIRY_MAILDROP"]))


def _ingest_one(report: PollReport, raw: bytes, **place) -> str:
    # On the embedded default the acknowledgement is sent by this process's background
    # thread; SQLite takes one writer at a time, so let it finish first.
    jobs.wait_for_background_tasks()
    try:
        result = operations.ingest(raw, **place)
        db.session.commit()
    except exc.IntegrityError:
        # Another poller committed the same message between our check and our commit.
        db.session.rollback()
        report.count("duplicate")
        return "duplicate"
    except exc.OperationalError as error:
        db.session.rollback()
        raise MailboxUnavailable(f"database: {error}") from error
    except Exception as error:  # one unreadable message must not stop the others
        db.session.rollback()
        logger.exception("inquiry mail %s could not be ingested", place)
        report.count("failed")
        report.errors.append(f"{place.get('uid')}: {type(error).__name__}: {error}")
        return "failed"
    report.count(result.outcome)
    return result.outcome


def poll_folder(directory: Path) -> PollReport:
    """Ingest every .eml file in the folder; ingested files move to its `done` subfolder."""
    report = PollReport()
    directory.mkdir(parents=True, exist_ok=True)
    done = directory / "done"
    done.mkdir(exist_ok=True)
    limit = current_app.config["INQUIRY_MAX_MESSAGE_BYTES"]
    for path in sorted(directory.glob("*.eml")):
        with path.open("rb") as stream:
            raw = stream.read(limit)
        size = path.stat().st_size
        outcome = _ingest_one(report, raw, mailbox=f"folder:{directory}", uidvalidity=0, uid=None,
                    original_size=size)  # fmt: skip
        target = done if outcome != "failed" else directory / "failed"
        target.mkdir(exist_ok=True)
        path.replace(target / path.name)
    return report


def mailbox_key(config) -> str:
    return f"imap://{config['IMAP_USER']}@{config['IMAP_HOST']}:{config['IMAP_PORT']}/{config['IMAP_FOLDER']}"


def connect(config) -> imaplib.IMAP4:
    """Open and log in to the IMAP server as configured (SSL, STARTTLS or plain on 127.0.0.1)."""
    host, port, timeout = config["IMAP_HOST"], config["IMAP_PORT"], config["IMAP_TIMEOUT"]
    context = ssl.create_default_context(cafile=config["IMAP_CA_FILE"])
    connection = None
    try:
        if config["IMAP_SSL"] and not config["IMAP_STARTTLS"]:
            connection = imaplib.IMAP4_SSL(host, port, ssl_context=context,
                                           timeout=timeout)  # fmt: skip
        else:
            connection = imaplib.IMAP4(host, port, timeout=timeout)
            if config["IMAP_STARTTLS"]:
                connection.starttls(context)
        connection.login(config["IMAP_USER"] or "", config["IMAP_PASSWORD"] or "")
    except (OSError, imaplib.IMAP4.error) as error:
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.shutdown()
        raise MailboxUnavailable(f"IMAP {host}:{port}: {error}") from error
    return connection


def _cursor(key: str, uidvalidity: int) -> int:
    """The last UID ingested under this UIDVALIDITY (0 for a new or renumbered folder)."""
    last = db.session.scalar(
        select(MailboxCursor.last_uid).where(
            MailboxCursor.mailbox == key, MailboxCursor.uidvalidity == uidvalidity
        )
    )
    if last is not None:
        return last
    try:
        with db.session.begin_nested():
            db.session.add(MailboxCursor(mailbox=key, uidvalidity=uidvalidity, last_uid=0))
        db.session.commit()
    except exc.IntegrityError:  # the other poller created it first
        db.session.rollback()
    return 0


def _advance(key: str, uidvalidity: int, uid: int) -> None:
    db.session.execute(
        update(MailboxCursor)
        .where(
            MailboxCursor.mailbox == key,
            MailboxCursor.uidvalidity == uidvalidity,
            MailboxCursor.last_uid < uid,
        )
        .values(last_uid=uid, polled_at=utcnow())
    )
    db.session.commit()


_FETCH_ITEM = re.compile(rb"UID (\d+)|RFC822\.SIZE (\d+)")


def poll_imap() -> PollReport:
    """Ingest the messages above the folder's last UID; read-only, nothing is flagged or moved."""
    config = current_app.config
    report = PollReport()
    key = mailbox_key(config)
    limit = config["INQUIRY_MAX_MESSAGE_BYTES"]
    connection = connect(config)
    try:
        status, _ = connection.select(_quote(config["IMAP_FOLDER"]), readonly=True)
        if status != "OK":
            raise MailboxUnavailable(f"IMAP folder {config['IMAP_FOLDER']} cannot be opened")
        uidvalidity = int(connection.untagged_responses.get("UIDVALIDITY", [b"0"])[-1])
        last = _cursor(key, uidvalidity)
        status, data = connection.uid("SEARCH", None, f"UID {last + 1}:*")
        uids = sorted(int(value) for value in (data[0] or b"").split() if int(value) > last)
        for start in range(0, len(uids), _FETCH_BATCH):
            batch = uids[start : start + _FETCH_BATCH]
            status, data = connection.uid(
                "FETCH", ",".join(map(str, batch)), f"(UID RFC822.SIZE BODY.PEEK[]<0.{limit}>)"
            )
            for item in data:
                if not isinstance(item, tuple):
                    continue
                header, raw = item
                found = dict.fromkeys(("uid", "size"), None)
                for match in _FETCH_ITEM.finditer(header):
                    if match.group(1):
                        found["uid"] = int(match.group(1))
                    else:
                        found["size"] = int(match.group(2))
                if found["uid"] is None:
                    report.failed += 1
                    report.errors.append(f"a FETCH answer without UID: {header[:80]!r}")
                    continue
                _ingest_one(report, raw, mailbox=key, uidvalidity=uidvalidity, uid=found["uid"],
                            original_size=found["size"])  # fmt: skip
            _advance(key, uidvalidity, batch[-1])
    except imaplib.IMAP4.error as error:
        raise MailboxUnavailable(f"IMAP: {error}") from error
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            connection.logout()
    return report


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
