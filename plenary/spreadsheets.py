"""CSV and XLSX files that a spreadsheet opens without running anything a user typed.

A cell whose text starts with = + - @ (or a tab or carriage return, which some programs
skip before looking) is read as a formula by Excel, LibreOffice and Google Sheets: a name
such as "=HYPERLINK(...)" typed into a form would run on a staff member's machine. Such
a cell is written as text: in CSV behind an apostrophe, in XLSX as a string cell marked
with the "quote prefix" style, which keeps it text even when edited.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel refuses a sheet name longer than this, or with any of these characters.
_SHEET_NAME_LENGTH = 31
_SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def cell_text(value: Any) -> str:
    """A value as the text of a cell: dates in ISO form, None as empty, booleans as yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def neutralise(text: str) -> str:
    """The text with an apostrophe before it when a spreadsheet would take it for a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A UTF-8 CSV (with the BOM Excel needs to read it as UTF-8), every cell formula-safe."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow([neutralise(cell_text(value)) for value in header])
    for row in rows:
        writer.writerow([neutralise(cell_text(value)) for value in row])
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def xlsx_bytes(sheet_title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """An XLSX workbook of one sheet; every cell is a string or number, never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_name(sheet_title))
    bold = Font(bold=True)

    def text_cell(text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=text)
        # openpyxl takes a text starting with "=" for a formula: mark it a string, quoted.
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell

    def cells(values: Sequence[Any]) -> list[Any]:
        # Plain values are written as they are (fast); only risky text gets a styled cell.
        written: list[Any] = []
        for value in values:
            if isinstance(value, int | float) and not isinstance(value, bool):
                written.append(value)
                continue
            text = cell_text(value)
            written.append(text_cell(text) if text.startswith(FORMULA_STARTS) else text)
        return written

    header_cells = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=cell_text(value))
        cell.data_type = "s"
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append(cells(row))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _sheet_name(title: str) -> str:
    name = title.translate(_SHEET_NAME_FORBIDDEN).strip("' ")[:_SHEET_NAME_LENGTH]
    return name or "Sheet"
