"""`flask registration remind-incomplete`: the reminder job, by hand or from cron."""

from __future__ import annotations

import click
from flask_babel import force_locale

from plenary.extensions import db

from . import bp, reminders


@bp.cli.command("remind-incomplete")
@click.option("--dry-run", is_flag=True, help="List who would be reminded; send nothing.")
def remind_incomplete(dry_run: bool) -> None:
    """Remind the focal points of incomplete delegations not reminded lately."""
    if dry_run:
        with force_locale("en"):
            for delegation, missing in reminders.due_reminders():
                items = ", ".join(str(item) for item in missing)
                click.echo(f"{delegation.event.slug}\t{delegation.party_code}\t{items}")
        return
    sent = reminders.remind_due(actor="cli")
    db.session.commit()
    click.echo(f"{sent} reminders queued.")
