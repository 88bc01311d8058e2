"""Signed, expiring personal links: how focal points, delegates and new staff reach their pages.

A link carries a small payload signed with SECRET_KEY and a purpose (the salt), so a
link made for one purpose never opens another, and it expires after `max_age`.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class LinkInvalid(Exception):
    """The link was altered, or made for another purpose."""


class LinkExpired(LinkInvalid):
    """The link was genuine but is too old."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"plenary.{purpose}")


def make_token(purpose: str, payload: dict[str, Any]) -> str:
    """Sign a payload for one purpose."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age_seconds: int | None = None) -> dict[str, Any]:
    """The payload of a token made for this purpose, or LinkExpired / LinkInvalid."""
    if max_age_seconds is None:
        max_age_seconds = current_app.config["PERSONAL_LINK_MAX_AGE_DAYS"] * 86400
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired as error:
        raise LinkExpired(str(error)) from error
    except BadSignature as error:
        raise LinkInvalid(str(error)) from error
    if not isinstance(payload, dict):
        raise LinkInvalid("unexpected payload")
    return payload


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL under BASE_URL, for emails and letters, in a request or a worker."""
    # BASE_URL carries any path prefix, so the path is built from the application's root.
    adapter = current_app.url_map.bind("plenary.invalid", script_name="/")
    return current_app.config["BASE_URL"] + adapter.build(endpoint, values)


def personal_url(endpoint: str, purpose: str, payload: dict[str, Any], **values: Any) -> str:
    """An absolute personal link: the endpoint with a signed token for this purpose."""
    return external_url(endpoint, token=make_token(purpose, payload), **values)
