"""`flask invitations ...`: import and export addressees, approve and send circulars."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from plenary import jobs
from plenary.extensions import db

from . import bp, directory, directory_csv, operations
from .models import Circular


@bp.cli.command("import-addressees")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change.")
def import_addressees(file: Path, dry_run: bool) -> None:
    """Import addressees from a CSV file; nothing is imported if any row is bad."""
    with file.open("rb") as stream:
        data = stream.read(directory_csv.MAX_IMPORT_BYTES + 1)
    # The messages are written in English: there is no request to choose a language from.
    with force_locale("en"):
        report = directory_csv.import_addressees(
            data, actor="flask invitations import-addressees", dry_run=dry_run
        )
        for line in report_lines(report):
            click.echo(line)
    if not report.ok:
        raise click.exceptions.Exit(1)
    if report.imported:
        db.session.commit()


@bp.cli.command("export-addressees")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_addressees(file: Path) -> None:
    """Write every addressee to a CSV file that import-addressees reads back unchanged."""
    query = directory.directory_query(directory.DirectoryFilters(), None)
    addressees = db.session.scalars(query).all()
    file.write_text(directory_csv.export_csv(addressees), encoding="utf-8", newline="")
    click.echo(f"{len(addressees)} addressees written to {file}")


def report_lines(report: directory_csv.ImportReport) -> list[str]:
    """The import report as lines of text: each row's fate, or each problem."""
    if not report.ok:
        lines = [str(problem) for problem in report.problems]
        lines.append(
            ngettext(
                "Nothing imported: %(num)d problem.",
                "Nothing imported: %(num)d problems.",
                len(report.problems),
            )
        )
        return lines
    lines = []
    for row in report.rows:
        if row.action == "new":
            party = row.country.code if row.country else getattr(row.organisation, "acronym", "")
            who = ", ".join(
                str(value) for value in (row.values["kind"], party, row.values["email"]) if value
            )
            lines.append(_("Row %(row)d: new (%(who)s)", row=row.row, who=who))
        elif row.action == "update":
            changed = "; ".join(
                f"{name}: {old} → {new}" for name, (old, new) in row.changes.items()
            )
            lines.append(_("Row %(row)d: update (%(changes)s)", row=row.row, changes=changed))
        else:
            lines.append(_("Row %(row)d: unchanged", row=row.row))
    counts = report.counts
    summary = _(
        "%(new)d new, %(updated)d updated, %(unchanged)d unchanged.",
        new=counts["new"],
        updated=counts["update"],
        unchanged=counts["unchanged"],
    )
    done = _("Imported.") if report.imported else _("Dry run: nothing imported.")
    lines.append(f"{summary} {done}")
    return lines


def _circular_or_fail(reference: str) -> Circular:
    circular = operations.find_circular(reference)
    if circular is None:
        raise click.ClickException(f"no circular {reference}")
    return circular


@bp.cli.command("approve")
@click.argument("reference")
def approve_circular(reference: str) -> None:
    """Approve a draft circular, as the approve button does."""
    circular = _circular_or_fail(reference)
    try:
        approved = operations.approve(circular, None, actor="flask invitations approve")
    except operations.CircularNotReady as error:
        for problem in error.problems:
            click.echo(f"- {problem}", err=True)
        raise click.ClickException(f"{reference} cannot be approved yet") from error
    db.session.commit()
    click.echo(f"{reference} approved." if approved else f"{reference} was already approved.")


@bp.cli.command("send")
@click.argument("reference")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def send_circular(reference: str, yes: bool) -> None:
    """Queue an approved circular for every audience member not yet invited."""
    circular = _circular_or_fail(reference)
    pending = db.session.scalar(
        select(func.count()).select_from(operations.pending_audience(circular).subquery())
    )
    if not yes:
        click.confirm(f"Send {reference} to {pending} addressees?", abort=True)
    try:
        operations.start_sending(circular, None, actor="flask invitations send")
    except operations.CircularNotReady as error:
        raise click.ClickException(" ".join(error.problems)) from error
    db.session.commit()
    with click.progressbar(length=pending, label=f"Queueing {reference}") as bar:
        result = operations.dispatch(circular.id, progress=bar.update)
    click.echo(
        f"{result.queued} emails queued, {result.unreachable} addressees not reachable (no email)."
    )
    if current_app.extensions["celery"].conf.task_always_eager:
        click.echo("No REDIS_URL: sending them from this process...")
        jobs.wait_for_background_tasks()
        click.echo("Done.")
    else:
        click.echo("The workers send them now; follow them on the circular's page.")
