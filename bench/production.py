"""Benchmark: the wheel's size and install time, and the memory of each production process.

    .venv/bin/python -m bench.production --requests 1000 --letters 1000

1. Builds the wheel, installs it with constraints.txt into a fresh virtual environment
   (pip's cache warm, as on a second host), and times both.
2. From an empty folder, with the installed package: `flask db upgrade`, `flask seed demo`,
   the Procfile's `web` (gunicorn --preload, WEB_CONCURRENCY workers), N requests to the
   home page in the six languages; then each gunicorn process's resident memory.
3. A Procfile worker (concurrency 1) sends a circular with its PDF letter to N addressees;
   then the memory of the worker's main process and of its pool process.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests import servers

ROOT = servers.ROOT
LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar")


def memory(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of one process, in MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
    peak = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
    return rss / 1024, peak / 1024


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.extend(int(child) for child in (task / "children").read_text().split())
    return found


def run(command: list[str], **kwargs) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, **kwargs)
    return time.perf_counter() - started


def wheel_and_web(work: Path, requests: int, web_workers: int) -> None:
    env = {**os.environ, "PIP_CONSTRAINT": str(ROOT / "constraints.txt")}
    build = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work), str(ROOT)],
        env=env,
    )
    [wheel] = work.glob("plenary-*.whl")
    run([sys.executable, "-m", "venv", str(work / "venv")])
    install = run([str(work / "venv/bin/pip"), "install", "-q", str(wheel)], env=env)
    size = sum(f.stat().st_size for f in (work / "venv").rglob("*") if f.is_file())
    print(
        f"wheel                       {wheel.stat().st_size / 1024:.0f} KiB, built in {build:.1f} s"
    )
    print(f"install (warm pip cache)    {install:.1f} s, environment {size / 2**20:.0f} MiB")

    folder = work / "deployment"
    folder.mkdir()
    port = servers.free_port()
    deploy_env = {
        **os.environ,
        "PATH": f"{work / 'venv/bin'}{os.pathsep}{os.environ['PATH']}",
        "PLENARY_ENV": "production",
        "SECRET_KEY": "bench-" * 8,
        "BASE_URL": "https://plenary.example.org",
        "FLASK_APP": "plenary.wsgi",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(web_workers),
    }
    for command in (["flask", "db", "upgrade"], ["flask", "seed", "demo"]):
        run(command, cwd=folder, env=deploy_env)
    web = subprocess.Popen(
        servers.procfile_command("web", deploy_env),
        cwd=folder,
        env=deploy_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        servers.wait_until(lambda: len(children(web.pid)) == web_workers, 60, "gunicorn")
        servers.wait_until(lambda: servers._port_open(port), 60, "gunicorn's port")
        started = time.perf_counter()
        for number in range(requests):
            language = LANGUAGES[number % len(LANGUAGES)]
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/?lang={language}") as response:
                response.read()
        elapsed = time.perf_counter() - started
        print(f"web: {requests} requests      {elapsed:.1f} s ({requests / elapsed:.0f} / s)")
        rss, peak = memory(web.pid)
        print(f"web master (--preload)      RSS {rss:.0f} MiB, peak {peak:.0f} MiB")
        for number, child in enumerate(children(web.pid), 1):
            rss, peak = memory(child)
            print(f"web worker {number}                RSS {rss:.0f} MiB, peak {peak:.0f} MiB")
    finally:
        web.terminate()
        web.wait(30)


def worker_after_letters(work: Path, letters: int) -> None:
    from flask_migrate import upgrade

    from bench.circular_send import seed
    from plenary import create_app
    from plenary.extensions import db
    from tests.conftest import base_settings

    redis = servers.start_redis(work)
    postgres = servers.start_postgres()
    smtp = servers.start_smtp()
    worker = None
    try:
        environ = base_settings(
            work,
            DATABASE_URL=postgres.create_database(),
            REDIS_URL=redis.url,
            MAIL_SERVER=smtp.host,
            MAIL_PORT=str(smtp.port),
            INVITATIONS_SEND_RATE="0",
        )
        app = create_app(environ)
        with app.app_context():
            upgrade()
            circular_id = seed(letters, list(LANGUAGES))
            worker = servers.start_worker(environ, work / "worker.log", concurrency=1)
            from plenary.invitations import operations
            from plenary.invitations.models import Circular

            circular = db.session.get(Circular, circular_id)
            operations.approve(circular, None, actor="bench")
            operations.start_sending(circular, None, actor="bench")
            db.session.commit()
            started = time.perf_counter()
            operations.dispatch(circular_id)
            smtp.wait_for(letters, timeout=3600)
            elapsed = time.perf_counter() - started
            print(f"worker: {letters} letters      {elapsed:.1f} s")
            rss, peak = memory(worker.process.pid)
            print(f"worker main process         RSS {rss:.0f} MiB, peak {peak:.0f} MiB")
            for child in children(worker.process.pid):
                rss, peak = memory(child)
                print(f"worker pool process         RSS {rss:.0f} MiB, peak {peak:.0f} MiB")
            db.session.remove()
            db.engine.dispose()
    finally:
        if worker is not None:
            worker.stop()
        smtp.stop()
        postgres.stop()
        redis.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--letters", type=int, default=1000)
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="plenary-bench-production-"))
    wheel_and_web(work, arguments.requests, arguments.web_workers)
    if arguments.letters:
        worker_after_letters(work, arguments.letters)


if __name__ == "__main__":
    main()
