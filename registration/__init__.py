"""Registration: events, delegations, delegates, approvals and lists."""

from flask import Blueprint

bp = Blueprint("registration", __name__)

# Importing the modules registers the tables, views and commands.
from . import (  # noqa: E402
    focal_views,  # noqa: F401
    labels,  # noqa: F401
    models,  # noqa: F401
    public_views,  # noqa: F401
    review_cli,  # noqa: F401
    review_models,  # noqa: F401
    review_views,  # noqa: F401
    seed,  # noqa: F401
    views,  # noqa: F401
)
