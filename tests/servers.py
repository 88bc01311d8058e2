"""Real servers for the tests, started on 127.0.0.1 on free ports and stopped afterwards.

Redis, a throw-away PostgreSQL cluster, a recording SMTP server and Celery workers run as
they would in production. An environment variable can name an existing server instead:
PLENARY_TEST_REDIS_URL, PLENARY_TEST_POSTGRES_URL (an admin URL on which the tests create
and drop their own databases).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import glob
import grp
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(
    check: Callable[[], bool], timeout: float, what: str, interval: float = 0.05
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(interval)
    raise TimeoutError(f"gave up waiting for {what} after {timeout} s")


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def require_binary(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} is not installed: apt-get install {package} (.ci/run does it)")
    return path


# --- Redis -------------------------------------------------------------------------------


@dataclass
class RedisServer:
    url: str
    process: subprocess.Popen | None = None
    command: list[str] = field(default_factory=list)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)

    def start(self) -> None:
        """Start it again on the same port, empty, after stop(): a Redis restart."""
        port = int(self.url.rsplit(":", 1)[1].split("/")[0])
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL)
        wait_until(lambda: _port_open(port), 10, "redis-server")


def start_redis(directory: Path) -> RedisServer:
    if url := os.environ.get("PLENARY_TEST_REDIS_URL"):
        return RedisServer(url)
    binary = require_binary("redis-server", "redis-server")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--dir", str(directory),
               "--logfile", str(directory / "redis.log")]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    wait_until(lambda: _port_open(port), 10, "redis-server")
    return RedisServer(f"redis://127.0.0.1:{port}/0", process, command)


# --- PostgreSQL --------------------------------------------------------------------------


def _postgres_bindir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if candidates:
        return Path(candidates[-1]).parent
    initdb = require_binary("initdb", "postgresql")
    return Path(initdb).parent


def _version_key(path: str) -> int:
    match = re.search(r"/postgresql/(\d+)/", path)
    return int(match.group(1)) if match else 0


@dataclass
class PostgresServer:
    admin_url: str  # postgresql+psycopg://user@host:port/postgres
    data_directory: Path | None = None
    run_as: list[str] = field(default_factory=list)
    bindir: Path | None = None
    databases: list[str] = field(default_factory=list)

    def _connect(self):
        import psycopg

        return psycopg.connect(self.admin_url.replace("+psycopg", ""), autocommit=True)

    def create_database(self) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        name = f"plenary_test_{uuid.uuid4().hex[:12]}"
        with self._connect() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        return self.admin_url.rsplit("/", 1)[0] + "/" + name

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with self._connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self.data_directory is None:
            for name in self.databases:
                with self._connect() as connection:
                    connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        subprocess.run(
            [*self.run_as, str(self.bindir / "pg_ctl"), "-D", str(self.data_directory),
             "-m", "immediate", "stop"],
            check=False, capture_output=True,
        )  # fmt: skip
        shutil.rmtree(self.data_directory.parent, ignore_errors=True)


def start_postgres() -> PostgresServer:
    if url := os.environ.get("PLENARY_TEST_POSTGRES_URL"):
        return PostgresServer(admin_url=url)
    bindir = _postgres_bindir()
    # PostgreSQL refuses to run as root: run the cluster as the postgres system user.
    run_as: list[str] = []
    owner = None
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="plenary-pg-"))
    data, sockets = base / "data", base / "sockets"
    sockets.mkdir()
    if owner is not None:
        for path in (base, sockets):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    subprocess.run(
        [*run_as, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
         "-E", "UTF8", "--no-locale", "--no-sync"],
        check=True, capture_output=True,
    )  # fmt: skip
    port = free_port()
    options = (
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
         str(base / "postgres.log"), "-w", "-t", "60", "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    return PostgresServer(
        admin_url=f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
        data_directory=data,
        run_as=run_as,
        bindir=bindir,
    )


# --- SMTP --------------------------------------------------------------------------------


@dataclass
class ReceivedMail:
    mail_from: str
    recipients: list[str]
    raw: bytes
    received_at: float = field(default_factory=time.monotonic)

    @property
    def message(self) -> Message:
        return email.message_from_bytes(self.raw, policy=email.policy.default)


class RecordingHandler:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.received: list[ReceivedMail] = []
        self.lock = threading.Lock()
        # Answer with this SMTP reply instead of accepting, to test failures.
        self.refuse_with: str | None = None
        # Seconds to linger before answering RCPT or DATA: a slow server, to kill a worker in.
        self.rcpt_delay = 0.0
        self.data_delay = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        if self.refuse_with:
            return self.refuse_with
        with self.lock:
            self.received.append(
                ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
            )
        return "250 Message accepted for delivery"


@dataclass
class SMTPServer:
    host: str
    port: int
    handler: RecordingHandler
    controller: object

    @property
    def received(self) -> list[ReceivedMail]:
        with self.handler.lock:
            return list(self.handler.received)

    def clear(self) -> None:
        with self.handler.lock:
            self.handler.received.clear()
        self.handler.refuse_with = None
        self.handler.rcpt_delay = self.handler.data_delay = 0.0

    def wait_for(self, count: int, timeout: float = 30) -> list[ReceivedMail]:
        wait_until(lambda: len(self.received) >= count, timeout, f"{count} messages by SMTP")
        return self.received

    def stop(self) -> None:
        self.controller.stop()


def start_smtp() -> SMTPServer:
    from aiosmtpd.controller import Controller

    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return SMTPServer("127.0.0.1", port, handler, controller)


# --- Celery worker -----------------------------------------------------------------------


def procfile_command(name: str, environ: dict[str, str]) -> list[str]:
    """The Procfile's command for a process type, with ${VAR:-default} expanded from environ."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        kind, _, command = line.partition(":")
        if kind.strip() == name:

            def expand(match: re.Match) -> str:
                return environ.get(match.group(1)) or match.group(2) or ""

            return shlex.split(re.sub(r"\$\{(\w+)(?::-([^}]*))?\}", expand, command.strip()))
    raise KeyError(f"no {name} line in the Procfile")


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the process and its children at once: no warm or cold shutdown."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


def start_process(kind: str, environ: dict[str, str], log: Path) -> Worker:
    """Run the Procfile's line for a process type (worker, beat), as deployed, unwaited."""
    env = {**os.environ, **environ}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    command = procfile_command(kind, env)
    with log.open("wb") as output:
        # Its own process group, so that a test can kill it with its pool, as a host would.
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    return Worker(process, log)


def start_beat(environ: dict[str, str], log: Path) -> Worker:
    """Celery beat from the Procfile, its schedule file next to its log."""
    schedule = str(log.with_suffix(".schedule"))
    return start_process("beat", {**environ, "BEAT_SCHEDULE_FILE": schedule}, log)


def start_worker(environ: dict[str, str], log: Path, concurrency: int = 2) -> Worker:
    """Run the Procfile's worker line, as deployed, against the given settings."""
    worker = start_process("worker", {**environ, "WORKER_CONCURRENCY": str(concurrency)}, log)
    process = worker.process
    try:
        wait_until(
            lambda: " ready." in worker.output() or process.poll() is not None, 60, "celery worker"
        )
    except TimeoutError:
        worker.stop()
        raise
    if process.poll() is not None:
        raise RuntimeError(f"the worker exited:\n{worker.output()[-3000:]}")
    return worker


# --- IMAP (Dovecot) ----------------------------------------------------------------------


@dataclass
class IMAPServer:
    host: str
    port: int
    user: str
    password: str
    base: Path
    process: subprocess.Popen
    ssl_port: int = 0

    @property
    def certificate(self) -> Path:
        """The server's self-signed certificate, for clients to trust."""
        return self.base / "cert.pem"

    def connect(self):
        import imaplib

        connection = imaplib.IMAP4(self.host, self.port, timeout=10)
        connection.login(self.user, self.password)
        return connection

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        """Deliver a message into the mailbox over IMAP, as a mail server would."""
        connection = self.connect()
        try:
            status, data = connection.append(folder, None, None, raw)
            assert status == "OK", data
        finally:
            connection.logout()

    def clear(self, folder: str = "INBOX") -> None:
        connection = self.connect()
        try:
            _status, data = connection.select(folder)
            if int(data[0]) > 0:
                connection.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
                connection.expunge()
        finally:
            connection.logout()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        shutil.rmtree(self.base, ignore_errors=True)


_DOVECOT_CONFIG = """\
# Dovecot {version}: a throw-away IMAP server for the tests on 127.0.0.1 only: plain text
# and STARTTLS on one port, implicit TLS on another, with a self-signed certificate.
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{base}/cert.pem
ssl_key = <{base}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login_user}
first_valid_uid = {uid}
last_valid_uid = {uid}
mail_location = maildir:{base}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
    ssl = yes
  }}
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


def start_dovecot() -> IMAPServer:
    """Dovecot with its own config, passdb and Maildir in a temporary folder, on a free port."""
    binary = require_binary("dovecot", "dovecot-imapd")
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    base = Path(tempfile.mkdtemp(prefix="plenary-imap-"))
    for name in ("run", "state", "mail", "home"):
        (base / name).mkdir()
    if os.geteuid() == 0:
        # Dovecot will not run mail processes as root: the mail belongs to its own user.
        owner = pwd.getpwnam("dovecot")
        uid, gid, user, login_user = owner.pw_uid, owner.pw_gid, "dovecot", "dovenull"
        for path in [base, *base.iterdir()]:
            os.chown(path, uid, gid)
    else:
        uid, gid = os.getuid(), os.getgid()
        user = login_user = pwd.getpwuid(uid).pw_name
    group = grp.getgrgid(gid).gr_name
    port, ssl_port = free_port(), free_port()
    subprocess.run(
        [require_binary("openssl", "openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes",
         "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(base / "key.pem"), "-out", str(base / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    password = uuid.uuid4().hex
    (base / "passwd").write_text(f"inquiries:{{PLAIN}}{password}\n")
    config = base / "dovecot.conf"
    config.write_text(
        _DOVECOT_CONFIG.format(
            version=version, base=base, user=user, group=group, login_user=login_user, uid=uid,
            gid=gid, port=port, ssl_port=ssl_port,
        )
    )  # fmt: skip
    process = subprocess.Popen(
        [binary, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        wait_until(
            lambda: (_port_open(port) and _port_open(ssl_port)) or process.poll() is not None,
            20,
            "dovecot",
        )
    except TimeoutError:
        process.kill()
        raise
    if process.poll() is not None:
        log = (
            (base / "dovecot.log").read_text(errors="replace")
            if (base / "dovecot.log").exists()
            else ""
        )
        raise RuntimeError(f"dovecot exited ({process.returncode}):\n{log[-3000:]}")
    return IMAPServer("127.0.0.1", port, "inquiries", password, base, process, ssl_port)
