"""Benchmark: the inquiry mailbox and the contact form, the production way on this machine.

1. Ingest N messages from a real IMAP server (Dovecot) into PostgreSQL, acknowledgements
   queued on Redis: time, rate and memory of one `mailbox.poll()`.
2. A storm of P contact-form posts against gunicorn (the Procfile's web line) from C
   clients at once: latency of each post, and whether every one became an inquiry.

    .venv/bin/python -m bench.inquiries --messages 2000 --posts 200 --clients 20
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.cookiejar
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select

from plenary import create_app
from plenary.extensions import db
from tests import servers
from tests.conftest import base_settings


def sample_messages(count: int) -> list[bytes]:
    """A realistic mix: new questions, replies into threads, automatic mail, attachments."""
    messages: list[bytes] = []
    ids: list[str] = []
    for number in range(count):
        message = EmailMessage()
        message["From"] = f"Sender {number % 700} <sender{number % 700}@example.org>"
        message["To"] = "ai.dialogue@example.org"
        message["Message-ID"] = make_msgid(domain="bench.example")
        if number % 10 == 3 and ids:
            message["Subject"] = "Re: our delegation"
            message["In-Reply-To"] = ids[number // 2]
        elif number % 20 == 7:
            message["Subject"] = "Out of office"
            message["Auto-Submitted"] = "auto-replied"
        else:
            message["Subject"] = f"Question {number} about the Dialogue"
        ids.append(message["Message-ID"])
        text = ("How many members may our delegation have? " * 20) + f"\n\nNo. {number}"
        if number % 5 == 0:
            message.set_content(text.replace("How many", "Combien"), charset="iso-8859-1")
        else:
            message.set_content(text)
        if number % 8 == 0:
            message.add_attachment(os.urandom(20_000), maintype="application", subtype="pdf",
                                   filename=f"note-{number}.pdf")  # fmt: skip
        messages.append(bytes(message))
    return messages


def append_all(imap: servers.IMAPServer, messages: list[bytes]) -> None:
    connection = imap.connect()
    try:
        for raw in messages:
            connection.append("INBOX", None, None, raw)
    finally:
        connection.logout()


def _flask(environ: dict[str, str], *arguments: str) -> tuple[float, str]:
    """Run a `flask` command in its own process; its wall time and output."""
    env = {**os.environ, **environ, "FLASK_APP": "wsgi"}
    started = time.perf_counter()
    result = subprocess.run(
        [str(Path(sys.executable).parent / "flask"), *arguments], cwd=servers.ROOT, env=env,
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return time.perf_counter() - started, result.stdout.strip()


def bench_ingest(work: Path, count: int, postgres, redis, imap) -> None:
    environ = base_settings(
        work, DATABASE_URL=postgres.create_database(), REDIS_URL=redis.url,
        IMAP_HOST=imap.host, IMAP_PORT=str(imap.port), IMAP_SSL="false",
        IMAP_USER=imap.user, IMAP_PASSWORD=imap.password,
    )  # fmt: skip
    messages = sample_messages(count)
    append_all(imap, messages)
    size = sum(len(raw) for raw in messages)
    del messages
    app = create_app(environ)
    with app.app_context():
        upgrade()
        from tests.factories import make_event

        make_event()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    # The poller runs as `flask inquiries poll` would from cron or beat: its own process,
    # whose peak memory is measured alone.
    elapsed, report = _flask(environ, "inquiries", "poll")
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    again_elapsed, again = _flask(environ, "inquiries", "poll")
    with app.app_context():
        from plenary.inquiries.models import Inquiry, InquiryMessage

        kept = db.session.scalar(select(func.count(InquiryMessage.id)).where(
            InquiryMessage.direction == "in"))  # fmt: skip
        threads = db.session.scalar(select(func.count(Inquiry.id)))
        db.session.remove()
        db.engine.dispose()
    print(f"ingest: {count} messages ({size / 1e6:.1f} MB) from Dovecot into PostgreSQL")
    print(f"  first poll: {report}")
    print(f"  {elapsed:.1f} s including start-up ({again_elapsed:.1f} s for a poll with "
          f"nothing new), {count / (elapsed - again_elapsed):.0f} messages/s")  # fmt: skip
    print(f"  peak resident memory of the poller process: {peak_kib / 1024:.0f} MiB")
    print(f"  kept {kept} messages in {threads} threads; second poll: {again}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """The 302 after a post is the answer we time; the thank-you page is not fetched."""

    def redirect_request(self, *args, **kwargs):
        return None


def _form_post(base: str, number: int) -> float:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    page = opener.open(f"{base}/inquiries/contact?lang=en", timeout=60).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({
        "csrf_token": token, "name": f"Sender {number}", "email": f"storm{number}@example.org",
        "organisation": "Ministry", "country": "", "category": "registration",
        "subject": f"Question {number}", "message": "How many members may our delegation have?",
    }).encode()  # fmt: skip
    request = urllib.request.Request(f"{base}/inquiries/contact", data=data)
    started = time.perf_counter()
    try:
        response = opener.open(request, timeout=60)
        status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, ""
    elapsed = time.perf_counter() - started
    if status != 302:
        errors = re.findall(r'class="error"[^>]*>([^<]+)', body)
        raise RuntimeError(f"post {number} answered {status}: {errors}")
    return elapsed


def bench_storm(work: Path, posts: int, clients: int, workers: int, postgres, redis) -> None:
    environ = base_settings(
        work, DATABASE_URL=postgres.create_database(), REDIS_URL=redis.url,
        PLENARY_ENV="production", BASE_URL="http://127.0.0.1",
    )  # fmt: skip
    environ["PLENARY_ENV"] = "production"
    app = create_app({**environ, "PLENARY_ENV": "development"})
    with app.app_context():
        upgrade()
        from tests.factories import make_event

        make_event()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    port = servers.free_port()
    env = {**os.environ, **environ, "PORT": str(port), "WEB_CONCURRENCY": str(workers)}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    command = servers.procfile_command("web", env)
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    log = (work / "gunicorn.log").open("wb")
    process = subprocess.Popen(command, cwd=servers.ROOT, env=env, stdout=log, stderr=log)
    try:
        servers.wait_until(lambda: servers._port_open(port), 60, "gunicorn")
        base = f"http://127.0.0.1:{port}"
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(clients) as pool:
            latencies = sorted(pool.map(lambda n: _form_post(base, n), range(posts)))
        elapsed = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(20)
    with app.app_context():
        from plenary.inquiries.models import Inquiry
        from plenary.models import OutboxMessage

        inquiries = db.session.scalar(select(func.count(Inquiry.id)))
        acknowledgements = db.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.kind == "inquiry.acknowledgement"))  # fmt: skip
        db.session.remove()
        db.engine.dispose()
    print(f"storm: {posts} contact-form posts from {clients} clients at once, gunicorn "
          f"{workers} workers, PostgreSQL, Redis (rate limits off)")  # fmt: skip
    print(f"  {elapsed:.1f} s in all, {posts / elapsed:.0f} posts/s")
    print(f"  POST latency: median {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms, "
          f"max {latencies[-1] * 1000:.0f} ms")  # fmt: skip
    print(f"  inquiries kept: {inquiries} of {posts}; acknowledgements queued: {acknowledgements}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="plenary-bench-inquiries-"))
    redis = servers.start_redis(work)
    postgres = servers.start_postgres()
    imap = servers.start_dovecot()
    try:
        if arguments.messages:
            bench_ingest(work / "ingest", arguments.messages, postgres, redis, imap)
        if arguments.posts:
            bench_storm(work / "storm", arguments.posts, arguments.clients, arguments.workers,
                        postgres, redis)  # fmt: skip
    finally:
        imap.stop()
        postgres.stop()
        redis.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
