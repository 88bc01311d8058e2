"""Registration: events, delegations, delegates, approvals and lists."""

from flask import Blueprint

bp = Blueprint("registration", __name__)

from . import models, review_cli, review_models, review_views, views  # noqa: E402,F401  (tables and views register themselves)  # noqa: E402,F401
