"""Following what becomes of an invitation once its link is opened."""

from __future__ import annotations

from flask import Flask

from plenary.extensions import db
from plenary.signals import invitation_link_opened

from . import operations
from .models import Invitation


@invitation_link_opened.connect
def _record_opening(sender: Flask, payload: dict, **extra: object) -> None:
    invitation = db.session.get(Invitation, payload.get("invitation"))
    if invitation is not None:
        operations.record_opening(invitation)
