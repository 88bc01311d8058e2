"""Plenary: invitations, delegation registration and inquiries for an intergovernmental meeting."""

from pathlib import Path

# Installed, the areas are plenary's own subpackages (pyproject.toml's package-dir). In the
# checkout they keep their top-level folders: plenary.invitations is found there.
_CHECKOUT = Path(__file__).resolve().parent.parent
if (_CHECKOUT / "pyproject.toml").is_file() and not (Path(__file__).parent / "tasks").is_dir():
    __path__.append(str(_CHECKOUT))

from .app import create_app  # noqa: E402

__all__ = ["create_app"]
