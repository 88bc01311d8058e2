"""`flask inquiries poll`: read the inquiry mailbox once."""

from __future__ import annotations

import click

from . import bp, mailbox


@bp.cli.command("poll")
def poll() -> None:
    """Ingest new messages from the IMAP mailbox (or the instance folder of .eml files)."""
    try:
        report = mailbox.poll()
    except mailbox.MailboxUnavailable as error:
        raise click.ClickException(str(error)) from error
    click.echo(str(report))
    for line in report.errors:
        click.echo(f"  {line}", err=True)
