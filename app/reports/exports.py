"""CSV and XLSX files of aggregated tables. They hold counts and category labels only: never a name,
a phone number or an email, and they are built from the same protected `Report` the page shows.

Tables arrive as rows whose figures are `Figure`s (app/reports/cellkey.py). A CSV shows them as the
page does ("< k" in place of the number). An XLSX keeps numbers numbers: each column of figures is
followed by a column of marks, so a hidden figure is an empty number cell with "< k" beside it and
a spreadsheet's sums and charts never meet text in a column of numbers. Each sheet opens with what
was asked (the filters), when it was made and what the marks mean; title and header rows are bold."""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _

from app.reports.cellkey import Figure

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _as_text(value, hidden: str):
    if isinstance(value, Figure):
        return hidden if value.hidden else value.value
    return value


def to_csv(rows: list[list], hidden: str = "") -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Arabic and accents correctly.
    Figures show as on the page: their value, or `hidden` ("< k")."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([neutralise(_as_text(value, hidden)) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_title(title: str, used: set[str]) -> str:
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"
    name, n = cleaned, 2
    while name in used:
        suffix = f" ({n})"
        name, n = cleaned[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def legend(threshold: int, exact: bool) -> list[str]:
    """What the marks of an export mean, written on each of its sheets."""
    if exact:
        return [_("Exact figures: small groups are not hidden. Do not publish or share this file.")]
    return [
        _("“< %(threshold)s” in a “mark” column: between 1 and %(last)s people or attendances, left out "
          "of the number column beside it to protect them.", threshold=threshold, last=threshold - 1),
        _("Every other figure is moved by up to 2 by a fixed rule (cell key perturbation), so the rows "
          "of a table may not add up exactly to its total."),
        _("“×” (a figure hidden to protect another) is not used: no figure is hidden except by "
          "“< %(threshold)s”.", threshold=threshold),
    ]


def _figure_columns(rows: list[list]) -> set[int]:
    return {j for row in rows for j, value in enumerate(row) if isinstance(value, Figure)}


def _expanded(row: list, figure_columns: set[int], hidden: str) -> tuple[list, bool]:
    """The row with a mark column after each column of figures; whether it is a title or header
    row (no figure in it)."""
    is_heading = not any(isinstance(value, Figure) for value in row)
    cells: list = []
    for j, value in enumerate(row):
        if j not in figure_columns:
            cells.append(value)
        elif isinstance(value, Figure):
            cells += [None, hidden] if value.hidden else [value.value, None]
        elif is_heading and value not in ("", None):
            cells += [value, _("%(column)s: mark", column=value)]
        else:
            cells += [None if value == "" else value, None]
    return cells, is_heading


def to_xlsx(sheets: list[tuple[str, list[list]]], rtl: bool = False, preamble: list[str] = (),
            hidden: str = "") -> bytes:
    """One sheet per (title, rows). Each sheet starts with the `preamble` lines (what was asked, when,
    the legend), then its rows: figures as numbers with their marks in the next column, text cells
    written as text (never a formula), title and header rows in bold."""
    # Imported here: openpyxl weighs about 5 MB in every web worker, for a download few ask for.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(_sheet_title(title, used))
        sheet.sheet_view.rightToLeft = rtl
        for line in preamble:
            sheet.append([neutralise(line)])
        if preamble:
            sheet["A1"].font = bold
            sheet.append([])
        figure_columns = _figure_columns(rows)
        for row in rows:
            cells, is_heading = _expanded(row, figure_columns, hidden)
            sheet.append([neutralise(value) for value in cells])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                if is_heading:
                    cell.font = bold
        sheet.column_dimensions["A"].width = 34
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
