"""The build step pyproject.toml cannot express: ship the shared folders inside the package.

The repository keeps templates/, static/, migrations/ and translations/ at its top level
(the design card's layout); the wheel carries them in plenary/, with the message catalogs
compiled to .mo here, so that an installed Plenary speaks the six languages.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHARED_FOLDERS = ("templates", "static", "migrations", "translations")


def compile_catalogs(folder: Path) -> None:
    """Write messages.mo next to every messages.po, leaving fuzzy entries out as pybabel does."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in sorted(folder.glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as stream:
            catalog = read_po(stream, locale=po_path.parent.parent.name)
        with po_path.with_suffix(".mo").open("wb") as stream:
            write_mo(stream, catalog, use_fuzzy=False)


class BuildWithSharedFolders(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the checkout
        package = Path(self.build_lib) / "plenary"
        for name in SHARED_FOLDERS:
            target = package / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(
                HERE / name,
                target,
                ignore=shutil.ignore_patterns("__pycache__", "*.py[cod]", "*.mo"),
            )
        compile_catalogs(package / "translations")


setup(cmdclass={"build_py": BuildWithSharedFolders})
