"""The directory as a CSV file: the export, and the import that reads, checks and applies one.

Like the directory's other operations, these write the audit entry and leave the commit to
the caller.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from plenary import audit
from plenary.extensions import db
from plenary.i18n import LANGUAGES
from plenary.models import Country, Organisation, User

from . import merge
from .directory import (
    STATE_KINDS,
    AddresseeDetails,
    EmailTaken,
    InvalidEmails,
    changes_of,
    flush_or_email_taken,
    invalid_emails_message,
    parse_emails,
    reachable_condition,
)
from .models import Addressee, AddresseeKind

# The same columns out and in. "organisation" is the institution (the ministry, the Permanent
# Mission) of an administration or a mission, and the organisation's acronym or name for an
# organisation.
BASE_COLUMNS = (
    "kind",
    "country",
    "organisation",
    "honorific",
    "full_name",
    "title",
    "email",
    "language",
    "city",
)
# Optional: the name, title, institution and city in a language (title_ar, institution_fr).
LOCALISED_COLUMNS = tuple(
    f"{field}_{code}" for field in merge.LOCALISED_FIELDS for code in LANGUAGES
)
COLUMNS = BASE_COLUMNS + LOCALISED_COLUMNS
# Without these a row cannot be read; a missing optional column leaves that field as it is.
REQUIRED_COLUMNS = ("kind", "country", "organisation", "full_name", "email", "language")
MAX_LENGTHS = {
    "organisation": 300,
    "honorific": 120,
    "full_name": 200,
    "title": 300,
    "city": 120,
    **{f"{field}_{code}": 300 for field in merge.LOCALISED_FIELDS for code in LANGUAGES},
}
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _guard_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _unguard_cell(cell: str) -> str:
    """An exported cell's value: the quote that kept it from running as a formula is dropped."""
    cell = cell.strip()
    if cell.startswith("'") and cell[1:2] and cell[1:2] in _FORMULA_STARTS:
        return cell[1:].strip()
    return cell


def csv_cells(addressee: Addressee, columns: tuple[str, ...] = BASE_COLUMNS) -> list[str]:
    """An addressee as a row of the CSV file, in the columns given."""
    localised = addressee.localised or {}
    party = (
        addressee.organisation.acronym
        if addressee.organisation is not None
        else addressee.institution
    )
    cells = {
        "kind": addressee.kind.value,
        "country": addressee.country.code if addressee.country is not None else "",
        "organisation": party,
        "honorific": addressee.honorific,
        "full_name": addressee.full_name,
        "title": addressee.title,
        "email": "; ".join(addressee.recipients),
        "language": addressee.language,
        "city": addressee.city,
    }
    for name in merge.LOCALISED_FIELDS:
        for code, value in localised.get(name, {}).items():
            cells[f"{name}_{code}"] = value
    return [cells.get(column, "") for column in columns]


def export_csv(addressees: Any) -> str:
    """The addressees as CSV text, with a BOM so that Excel reads it as UTF-8.

    The per-language columns are those that some addressee fills.
    """
    addressees = list(addressees)
    used = {
        f"{field}_{code}"
        for addressee in addressees
        for field, values in (addressee.localised or {}).items()
        for code, value in values.items()
        if value
    }
    columns = BASE_COLUMNS + tuple(column for column in LOCALISED_COLUMNS if column in used)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for addressee in addressees:
        writer.writerow([_guard_cell(value) for value in csv_cells(addressee, columns)])
    return "\ufeff" + out.getvalue()


@dataclass
class ImportProblem:
    """Why a file, or one cell of it, cannot be imported; rows counted as a spreadsheet does."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return _(
                "Row %(row)d, %(column)s: %(message)s",
                row=self.row,
                column=self.column,
                message=self.message,
            )
        if self.row is not None:
            return _("Row %(row)d: %(message)s", row=self.row, message=self.message)
        return self.message


@dataclass
class ImportRow:
    """One good row: the columns it sets, and the addressee it updates (None: a new one)."""

    row: int
    values: dict[str, Any]
    country: Country | None
    organisation: Organisation | None
    addressee: Addressee | None = None
    # Column -> (old, new) as the file writes them; column_changes as the table holds them.
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)
    column_changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    @property
    def action(self) -> str:
        if self.addressee is None:
            return "new"
        return "update" if self.changes else "unchanged"


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.action for row in self.rows)
        return {action: counted[action] for action in ("new", "update", "unchanged")}

    def refuse(self, message: str, row: int | None = None) -> ImportReport:
        self.problems.append(ImportProblem(row, None, message))
        return self


def _names(names: list[str]) -> str:
    return ", ".join(f"“{name}”" if name else _("(a column without a name)") for name in names)


def read_import(data: bytes) -> ImportReport:
    """Read and check a CSV file of addressees, and match each row; nothing is changed."""
    report = ImportReport()
    if len(data) > MAX_IMPORT_BYTES:
        return report.refuse(_("The file is larger than 2 MB. Split it and import each part."))
    try:
        text = data.decode("utf-8-sig")
        if "\x00" in text:
            # Never text: a spreadsheet saved in another format. PostgreSQL refuses it too.
            line = text[: text.index("\x00")].count("\n") + 1
            return report.refuse(
                _(
                    "Line %(line)d holds a NUL character, which no text may contain. "
                    "Save the file as “CSV UTF-8” and try again.",
                    line=line,
                )
            )
        # Excel writes semicolons between cells where the comma is the decimal sign (fr-CH).
        first_line = text.partition("\n")[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except UnicodeDecodeError:
        return report.refuse(_("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."))
    except csv.Error as error:
        return report.refuse(_("The file is not a CSV file (%(error)s).", error=str(error)))
    if not records or not any(cell.strip() for cell in records[0]):
        return report.refuse(
            _(
                "The first row must name the columns: %(columns)s.",
                columns=", ".join(BASE_COLUMNS),
            )
        )
    if len(records) - 1 > MAX_IMPORT_ROWS:
        return report.refuse(
            ngettext(
                "The file has %(num)d row; at most %(limit)d can be imported at once. "
                "Split it and import each part.",
                "The file has %(num)d rows; at most %(limit)d can be imported at once. "
                "Split it and import each part.",
                len(records) - 1,
                limit=MAX_IMPORT_ROWS,
            )
        )
    header = [_unguard_cell(cell).lower() for cell in records[0]]
    unknown = [name for name in header if name not in COLUMNS]
    repeated = [name for name, count in Counter(header).items() if count > 1 and name in COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if unknown:
        report.refuse(_("Unknown columns: %(names)s.", names=_names(unknown)), row=1)
    if repeated:
        report.refuse(_("Columns named twice: %(names)s.", names=_names(repeated)), row=1)
    if missing:
        report.refuse(_("Missing columns: %(names)s.", names=_names(missing)), row=1)
    if report.problems:
        return report

    countries = {country.code.upper(): country for country in db.session.scalars(select(Country))}
    organisations: dict[str, Organisation] = {}
    for organisation in db.session.scalars(select(Organisation)):
        for name in (*(organisation.names or {}).values(), organisation.acronym):
            if name:
                organisations[name.strip().casefold()] = organisation
    for number, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            report.refuse(
                _(
                    "This row has %(cells)d cells but the first row names %(columns)d columns.",
                    cells=len(cells),
                    columns=len(header),
                ),
                row=number,
            )
            continue
        # Spreadsheets leave out a row's empty cells at its end.
        padded = [*cells, *[""] * (len(header) - len(cells))]
        named = {name: _unguard_cell(cell) for name, cell in zip(header, padded, strict=True)}
        row = _read_row(number, named, countries, organisations, report.problems)
        if row is not None:
            report.rows.append(row)
    _refuse_repeats(report)
    if report.ok:
        _match(report.rows, countries, organisations)
    return report


def _read_row(
    number: int,
    cells: dict[str, str],
    countries: dict[str, Country],
    organisations: dict[str, Organisation],
    problems: list[ImportProblem],
) -> ImportRow | None:
    before = len(problems)

    def problem(column: str, message: str) -> None:
        problems.append(ImportProblem(number, column, message))

    kinds = ", ".join(kind.value for kind in AddresseeKind)
    kind = next((item for item in AddresseeKind if item.value == cells["kind"].lower()), None)
    if kind is None:
        problem(
            "kind", _("Unknown kind “%(value)s”: use %(kinds)s.", value=cells["kind"], kinds=kinds)
        )
    code = cells["country"]
    country = countries.get(code.upper())
    if code and country is None:
        problem("country", _("Unknown country code “%(value)s”.", value=code))
    elif kind in STATE_KINDS and not code:
        problem("country", _("A country is required for an administration or a mission."))
    elif kind == AddresseeKind.ORGANISATION and code:
        problem("country", _("Leave the country empty for an organisation."))
    party = cells["organisation"]
    organisation = None
    if kind == AddresseeKind.ORGANISATION:
        organisation = organisations.get(party.casefold())
        if not party:
            problem("organisation", _("An organisation is required for this kind."))
        elif organisation is None:
            problem("organisation", _("Unknown organisation “%(value)s”.", value=party))
    if not cells["full_name"]:
        problem("full_name", _("The full name is missing."))
    for name, limit in MAX_LENGTHS.items():
        if len(cells.get(name, "")) > limit:
            problem(
                name,
                ngettext(
                    "Too long: at most %(num)d character.",
                    "Too long: at most %(num)d characters.",
                    limit,
                ),
            )
    emails: list[str] = []
    try:
        emails = parse_emails(cells["email"])
    except InvalidEmails as error:
        problem("email", invalid_emails_message(error))
    language = cells["language"].lower()
    if language not in LANGUAGES:
        problem(
            "language",
            _(
                "Unknown language “%(value)s”: use %(codes)s.",
                value=cells["language"],
                codes=", ".join(LANGUAGES),
            ),
        )
    if len(problems) > before or kind is None:
        return None
    values = AddresseeDetails(
        kind=kind,
        country_id=country.id if country is not None else None,
        organisation_id=organisation.id if organisation is not None else None,
        honorific=cells.get("honorific", ""),
        full_name=cells["full_name"],
        title=cells.get("title", ""),
        emails=emails,
        language=language,
        city=cells.get("city", ""),
        # An administration's or a mission's institution; an organisation is its own.
        institution=party if kind in STATE_KINDS else "",
        localised=_localised(cells) if any(name in cells for name in LOCALISED_COLUMNS) else None,
    ).column_values()
    for optional in ("honorific", "title", "city"):
        if optional not in cells:
            del values[optional]
    return ImportRow(number, values, country, organisation)


def _localised(cells: dict[str, str]) -> dict[str, dict[str, str]]:
    """The per-language columns of a row, as the addressee's localised values."""
    localised: dict[str, dict[str, str]] = {}
    for name in merge.LOCALISED_FIELDS:
        for code in LANGUAGES:
            value = cells.get(f"{name}_{code}", "").strip()
            if value:
                localised.setdefault(name, {})[code] = value
    return localised


def _identity(values: dict[str, Any]) -> tuple[Any, ...]:
    """What identifies a row: its first email, or, without one, who it is."""
    if values["email"]:
        return ("email", values["email"])
    party = (values["kind"], values["country_id"], values["organisation_id"])
    return ("party", *party, values["full_name"].casefold())


def _refuse_repeats(report: ImportReport) -> None:
    first_rows: dict[tuple[Any, ...], int] = {}
    for row in report.rows:
        identity = _identity(row.values)
        if identity in first_rows:
            message = (
                _("This email is also on row %(row)d.", row=first_rows[identity])
                if identity[0] == "email"
                else _(
                    "This addressee, without email, is also on row %(row)d.",
                    row=first_rows[identity],
                )
            )
            report.problems.append(ImportProblem(row.row, "email", message))
        else:
            first_rows[identity] = row.row


def _match(
    rows: list[ImportRow], countries: dict[str, Country], organisations: dict[str, Organisation]
) -> None:
    """Find the addressee each row updates and what would change."""
    emails = [row.values["email"] for row in rows if row.values["email"]]
    existing: dict[tuple[Any, ...], Addressee] = {}
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        query = select(Addressee).where(func.lower(Addressee.email).in_(chunk))
        existing.update({("email", item.email.lower()): item for item in db.session.scalars(query)})
    if any(not row.values["email"] for row in rows):
        for item in db.session.scalars(select(Addressee).where(~reachable_condition())):
            existing.setdefault(_identity({**_columns_of(item), "email": None}), item)
    codes = {country.id: country.code for country in countries.values()}
    acronyms = {item.id: item.acronym for item in organisations.values()}
    for row in rows:
        row.addressee = existing.get(_identity(row.values))
        if row.addressee is not None:
            row.column_changes = changes_of(row.addressee, row.values)
            row.changes = _as_file_changes(
                row.addressee, row.values, row.column_changes, codes, acronyms
            )


def _columns_of(addressee: Addressee) -> dict[str, Any]:
    return {
        "kind": addressee.kind,
        "country_id": addressee.country_id,
        "organisation_id": addressee.organisation_id,
        "full_name": addressee.full_name,
    }


def _as_file_changes(
    addressee: Addressee,
    values: dict[str, Any],
    column_changes: dict[str, tuple[Any, Any]],
    country_codes: dict[int, str],
    acronyms: dict[int, str],
) -> dict[str, tuple[str, str]]:
    shown: dict[str, tuple[str, str]] = {}
    for name, (old, new) in column_changes.items():
        if name == "country_id":
            shown["country"] = (country_codes.get(old, ""), country_codes.get(new, ""))
        elif name == "organisation_id":
            shown["organisation"] = (acronyms.get(old, ""), acronyms.get(new, ""))
        elif name in ("email", "other_emails"):
            new_emails = [values["email"], *values["other_emails"]] if values["email"] else []
            shown["email"] = ("; ".join(addressee.recipients), "; ".join(new_emails))
        else:
            shown[name] = (str(old), str(new))
    return shown


def apply_import(
    report: ImportReport, *, user: User | None = None, actor: str | None = None
) -> None:
    """Create and update the addressees of a checked report, as one audit entry with counts."""
    if not report.ok:
        raise ValueError("a report with problems is never imported")
    for row in report.rows:
        if row.addressee is None:
            db.session.add(Addressee(active=True, **row.values))
        else:
            for name, (_old, new) in row.column_changes.items():
                setattr(row.addressee, name, new)
    flush_or_email_taken(None)
    counts = report.counts
    audit.record(
        "addressee.import",
        user=user,
        actor=actor,
        object_type="addressee",
        rows=len(report.rows),
        created=counts["new"],
        updated=counts["update"],
        unchanged=counts["unchanged"],
    )
    report.imported = True


def import_addressees(
    data: bytes, *, user: User | None = None, actor: str | None = None, dry_run: bool = False
) -> ImportReport:
    """Check a file and, unless it is a dry run or any row is bad, import it all."""
    report = read_import(data)
    if report.ok and not dry_run:
        try:
            apply_import(report, user=user, actor=actor)
        except EmailTaken as error:
            report.refuse(
                _(
                    "Another change to the directory took %(email)s meanwhile; nothing was "
                    "imported. Check the file again.",
                    email=error.email or _("an address"),
                )
            )
    return report
