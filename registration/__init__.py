"""Registration: events, delegations, delegates, approvals and lists."""

from flask import Blueprint

bp = Blueprint("registration", __name__)

from . import views  # noqa: E402,F401  (the views register themselves on bp)
