"""Signals through which one area hears of another's events without importing it."""

from blinker import Namespace

_signals = Namespace()

# Sent with payload=<the personal link's payload> when a focal point opens an invitation link.
invitation_link_opened = _signals.signal("invitation-link-opened")
