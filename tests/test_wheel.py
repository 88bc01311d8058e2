"""The wheel, installed the way the README says, runs from a directory other than the checkout.

The wheel is built and installed into a fresh virtual environment once per session (pip's
cache makes the install about half a minute); the app is then run from an empty folder.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import servers

ROOT = servers.ROOT
CONSTRAINTS = ROOT / "constraints.txt"
AREAS = {
    "plenary": "plenary",
    "invitations": "plenary/invitations",
    "registration": "plenary/registration",
    "inquiries": "plenary/inquiries",
    "tasks": "plenary/tasks",
}


@dataclass
class Installed:
    wheel: Path
    bin: Path
    site_packages: Path


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, (
        f"{command} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    )
    return result


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel built from this checkout and installed, with the pinned dependencies."""
    folder = tmp_path_factory.mktemp("wheel")
    env = {**os.environ, "PIP_CONSTRAINT": str(CONSTRAINTS), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    pip = [sys.executable, "-m", "pip"]
    _run([*pip, "wheel", "--no-deps", "--quiet", "-w", str(folder / "dist"), str(ROOT)], env=env)
    [wheel] = (folder / "dist").glob("plenary-*.whl")
    _run([sys.executable, "-m", "venv", str(folder / "venv")])
    bin_folder = folder / "venv" / "bin"
    _run(
        [str(bin_folder / "pip"), "install", "--quiet", "-c", str(CONSTRAINTS), str(wheel)], env=env
    )
    site_packages = Path(
        _run(
            [
                str(bin_folder / "python"),
                "-c",
                "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            ]
        ).stdout.strip()
    )
    return Installed(wheel, bin_folder, site_packages)


def test_the_wheel_holds_everything_the_app_needs(installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for needed in (
        "plenary/wsgi.py",
        "plenary/templates/base.html",
        "plenary/static/css/plenary.css",
        "plenary/migrations/env.py",
        "plenary/migrations/versions/0001_core_tables.py",
        "plenary/data/member_states.csv",
        "plenary/invitations/__init__.py",
        "plenary/registration/__init__.py",
        "plenary/inquiries/__init__.py",
        "plenary/tasks/__init__.py",
    ):
        assert needed in names, needed
    # Every package of the checkout, listed in pyproject.toml (a new subpackage must be).
    for area, installed_as in AREAS.items():
        for init in (ROOT / area).rglob("__init__.py"):
            relative = init.relative_to(ROOT / area).as_posix()
            assert f"{installed_as}/{relative}" in names, f"{area}/{relative} is not in the wheel"
    for language in ("ar", "es", "fr", "ru", "zh"):
        assert f"plenary/translations/{language}/LC_MESSAGES/messages.mo" in names
    # The areas' generic names stay inside Plenary's namespace.
    assert not {name.split("/")[0] for name in names} & {
        "invitations",
        "registration",
        "inquiries",
        "tasks",
        "templates",
        "migrations",
        "wsgi.py",
    }


@pytest.fixture
def deployment(installed, tmp_path) -> Iterator[tuple[Path, dict[str, str]]]:
    """An empty folder and the settings of a small production deployment."""
    folder = tmp_path / "deployment"
    folder.mkdir()
    env = {
        "PATH": f"{installed.bin}{os.pathsep}{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
        "PLENARY_ENV": "production",
        "SECRET_KEY": "a-long-random-production-secret-for-the-wheel-test",
        "BASE_URL": "https://plenary.example.org",
        "FLASK_APP": "plenary.wsgi",
    }
    yield folder, env


def test_the_installed_app_migrates_seeds_and_serves_in_six_languages(installed, deployment):
    folder, env = deployment
    where = _run(["python", "-c", "import plenary; print(plenary.__file__)"], cwd=folder, env=env)
    assert where.stdout.startswith(str(installed.site_packages))

    _run(["flask", "db", "upgrade"], cwd=folder, env=env)
    seeded = _run(["flask", "seed", "demo"], cwd=folder, env=env)
    assert "addressees: 386 added" in seeded.stdout
    assert (folder / "instance" / "plenary.db").is_file()
    assert not (installed.site_packages / "instance").exists()

    port = servers.free_port()
    command = servers.procfile_command("web", {**env, "PORT": str(port), "WEB_CONCURRENCY": "2"})
    web = subprocess.Popen(
        command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        servers.wait_until(
            lambda: servers._port_open(port) or web.poll() is not None, 60, "gunicorn"
        )
        assert web.poll() is None, web.stdout.read()
        base = f"http://127.0.0.1:{port}"

        home = _fetch(f"{base}/")
        assert "Global Dialogue on AI Governance" in home
        assert 'dir="ltr"' in home

        arabic = _fetch(f"{base}/?lang=ar")
        assert 'lang="ar" dir="rtl"' in arabic
        assert re.search(r"[\u0600-\u06FF]{3,}", arabic), "no Arabic text on the Arabic page"
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', arabic).group(1)
        with urllib.request.urlopen(base + stylesheet, timeout=10) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/css")
            assert b"{" in response.read()
    finally:
        web.send_signal(signal.SIGTERM)
        web.wait(20)


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=20) as response:
        assert response.status == 200
        return response.read().decode()
