"""Which outgoing emails carry a secret, and what the Sent mail page may show of them.

A message whose body links to a route that reads a `token` (a personal link, a link to
choose a password) is marked when it is written, whatever area wrote it; an area whose
secret is something else marks its message with `mark_secret`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event
from werkzeug.exceptions import HTTPException

from .auth import Access, access_of
from .models import OutboxMessage

_URL = re.compile(r"https?://[^\s<>\"']+")


def secret_links(text: str | None) -> list[str]:
    """The links in a text that open a page by a token they carry."""
    base = current_app.config["BASE_URL"]
    adapter = current_app.url_map.bind("plenary.invalid", script_name="/")
    found = []
    for url in _URL.findall(text or ""):
        if not url.startswith(base + "/"):
            continue
        try:
            endpoint, arguments = adapter.match(urlsplit(url[len(base) :]).path, method="GET")
        except (HTTPException, ValueError):  # no such page, a redirect, or no address at all
            continue
        view = current_app.view_functions.get(endpoint)
        if "token" in arguments or (view is not None and access_of(view) == Access.TOKEN):
            found.append(url)
    return found


def mark_secret(message: OutboxMessage) -> None:
    """Mark a message whose body holds a secret that is not a link."""
    message.carries_secret = True


def redacted(text: str | None) -> str:
    """The text with every secret-bearing link replaced by a note."""
    text = text or ""
    for url in sorted(set(secret_links(text)), key=len, reverse=True):
        text = text.replace(url, "[" + _("personal link removed") + "]")
    return text


@event.listens_for(OutboxMessage, "before_insert")
def _mark_secret_bearing(mapper, connection, message: OutboxMessage) -> None:
    if not message.carries_secret and (
        secret_links(message.text_body) or secret_links(message.html_body)
    ):
        message.carries_secret = True
