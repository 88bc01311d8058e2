"""Inquiries: the contact form, the mailbox and the helpdesk."""

from flask import Blueprint

bp = Blueprint("inquiries", __name__, url_prefix="/inquiries")
