"""Registration: events, delegations, delegates, approvals and lists."""

from flask import Blueprint

bp = Blueprint("registration", __name__)

from . import focal_views, labels, models, public_views, seed, views  # noqa: E402,F401  (they register)
from . import review_cli, review_models, review_views  # noqa: E402,F401  (the Secretariat's review)
