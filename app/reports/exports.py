"""CSV and XLSX files of aggregated tables. They hold counts and category labels only: never a name,
a phone number or an email, and they are built from the same protected `Report` the page shows."""

from __future__ import annotations

import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Arabic and accents correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_title(title: str, used: set[str]) -> str:
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"
    name, n = cleaned, 2
    while name in used:
        suffix = f" ({n})"
        name, n = cleaned[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def to_xlsx(sheets: list[tuple[str, list[list]]], rtl: bool = False) -> bytes:
    """One sheet per (title, rows); the first row of each is bold. Text cells are written as text."""
    # Imported here: openpyxl weighs about 8 MB in every web worker, for a download few ask for.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for title, rows in sheets:
        sheet = workbook.create_sheet(_sheet_title(title, used))
        sheet.sheet_view.rightToLeft = rtl
        for row in rows:
            sheet.append([neutralise(value) for value in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 34
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
