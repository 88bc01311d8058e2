"""Invitations: the directory of addressees, circulars, dispatch and follow-up."""

from flask import Blueprint

bp = Blueprint(
    "invitations", __name__, url_prefix="/secretariat/invitations", cli_group="invitations"
)

# The modules register their views, commands, seed steps, renderers and signal handlers.
from . import (  # noqa: E402,F401
    cli,
    directory_views,
    letters,
    models,
    seed,
    tracking,
    views,
)
