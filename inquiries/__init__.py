"""Inquiries: the contact form, the mailbox and the helpdesk."""

from flask import Blueprint

bp = Blueprint("inquiries", __name__, url_prefix="/inquiries", cli_group="inquiries")

# The modules register their views, commands and seed steps.
from . import cli, models, seed, views  # noqa: E402,F401
