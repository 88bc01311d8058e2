"""Invitations: the directory of addressees, circulars, dispatch and follow-up."""

from flask import Blueprint

bp = Blueprint("invitations", __name__, url_prefix="/secretariat/invitations")

from . import models  # noqa: E402,F401
