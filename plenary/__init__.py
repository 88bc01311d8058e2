"""Plenary: invitations, delegation registration and inquiries for an intergovernmental meeting."""

from .app import create_app

__all__ = ["create_app"]
