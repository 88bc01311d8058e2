"""The core's `flask` commands: users, seed, outbox, serve."""

from __future__ import annotations

import threading
import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from werkzeug.serving import run_simple

from . import jobs, outbox, seed, temporary_files, users
from .extensions import db
from .models import Role
from .requestlog import AccessLogHandler

users_cli = AppGroup("users", help="Secretariat accounts.")
seed_cli = AppGroup("seed", help="Demo data.")
outbox_cli = AppGroup("outbox", help="The email outbox.")
temporary_files_cli = AppGroup("temporary-files", help="Files kept between two requests.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]), default="staff")
@click.option("--name", "full_name", default="", help="Full name.")
@click.option(
    "--password",
    help="Set this password; without it, a link to choose one is emailed.",
)
def users_create(email: str, role: str, full_name: str, password: str | None) -> None:
    """Create a Secretariat account."""
    try:
        user = users.create_user(
            email, Role(role), full_name=full_name, password=password, actor="flask users create"
        )
    except users.UserExists as error:
        raise click.ClickException(f"an account for {error} already exists") from error
    except users.PasswordTooShort as error:
        raise click.ClickException(f"the password needs at least {error} characters") from error
    db.session.commit()
    how = "with the password given" if password else "a link to choose a password was emailed"
    click.echo(f"Created {user.role} {user.email}: {how}.")


@seed_cli.command("demo")
def seed_demo() -> None:
    """Seed the demo event, Member States and admin (safe to run twice)."""
    for line in seed.seed_demo():
        click.echo(line)
    jobs.wait_for_background_tasks()  # the demo's emails, sent in-process on the embedded default


@outbox_cli.command("sweep")
def outbox_sweep() -> None:
    """Queue pending messages that are due; settle the ones whose worker died."""
    result = outbox.sweep(grace_seconds=0)
    click.echo(
        f"{len(result.queued)} queued, {len(result.resent)} sent again, "
        f"{len(result.interrupted)} marked uncertain"
    )


@temporary_files_cli.command("purge")
def temporary_files_purge() -> None:
    """Delete the expired temporary files (beat does it every TEMPORARY_FILE_PURGE_MINUTES)."""
    click.echo(f"{temporary_files.purge_expired()} expired temporary file(s) deleted")


def _run_periodic_jobs(app: Flask, stop: threading.Event) -> None:
    """The embedded stand-in for Celery beat: run each scheduled task at its interval."""
    celery_app = app.extensions["celery"]
    schedule = celery_app.conf.beat_schedule
    next_run = dict.fromkeys(schedule, 0.0)
    while not stop.is_set():
        now = time.monotonic()
        for name, entry in schedule.items():
            if now >= next_run[name]:
                celery_app.tasks[entry["task"]].apply()
                next_run[name] = now + entry["schedule"].total_seconds()
        stop.wait(1.0)


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int, envvar="PORT")
def serve(host: str, port: int) -> None:
    """Serve on the embedded default: the web app plus the periodic jobs, in one process."""
    app = current_app._get_current_object()
    if app.config["REDIS_URL"]:
        raise click.ClickException("REDIS_URL is set: run gunicorn, a worker and beat instead")
    if not app.config["BASE_URL_SET"]:
        # The links in the demo's emails lead to this server, whatever port it was given.
        link_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        app.config["BASE_URL"] = f"http://{link_host}:{port}"
    stop = threading.Event()
    threading.Thread(target=_run_periodic_jobs, args=(app, stop), daemon=True).start()
    click.echo(f"Plenary on http://{host}:{port}/")
    if not app.config["MAIL_SERVER"]:
        click.echo(f"Emails are written to {app.config['MAIL_FILE_DIRECTORY']}")
    try:
        run_simple(host, port, app, threaded=True, request_handler=AccessLogHandler)
    finally:
        stop.set()
        jobs.wait_for_background_tasks()


def register(app: Flask) -> None:
    for command in (users_cli, seed_cli, outbox_cli, temporary_files_cli, serve):
        app.cli.add_command(command)
