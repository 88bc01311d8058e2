"""The directory's commands: `flask invitations import-addressees` and `export-addressees`."""

from __future__ import annotations

from pathlib import Path

import click
from flask_babel import force_locale
from flask_babel import gettext as _

from plenary.extensions import db

from . import bp, directory


@bp.cli.command("import-addressees")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change.")
def import_addressees(file: Path, dry_run: bool) -> None:
    """Import addressees from a CSV file; nothing is imported if any row is bad."""
    with file.open("rb") as stream:
        data = stream.read(directory.MAX_IMPORT_BYTES + 1)
    # The messages are written in English: there is no request to choose a language from.
    with force_locale("en"):
        report = directory.import_addressees(
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
    file.write_text(directory.export_csv(addressees), encoding="utf-8", newline="")
    click.echo(f"{len(addressees)} addressees written to {file}")


def report_lines(report: directory.ImportReport) -> list[str]:
    """The import report as lines of text: each row's fate, or each problem."""
    if not report.ok:
        lines = [str(problem) for problem in report.problems]
        lines.append(_("Nothing imported: %(count)d problems.", count=len(report.problems)))
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
