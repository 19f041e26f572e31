"""From the aggregated rows of queries.py to the tables a page, a chart and an export show.

All the figures of one report are protected together (app.reports.disclosure), because its tables
share totals: the women of the gender table are the row total of the gender x origin table. Every
table, chart and export of a request is drawn from the same `Report`, so they hide the same cells.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from babel import Locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.models import Gender, Origin
from app.events.models import AgeBand
from app.reports.disclosure import Figure, grid_relations, protect

DIMENSION_TITLES = {
    "gender": _l("Gender"),
    "origin": _l("Origin"),
    "age_band": _l("Age at the date of the event"),
    "country": _l("Country of origin"),
}
FIXED_CATEGORIES = {
    "gender": [member.value for member in Gender],
    "origin": [member.value for member in Origin],
    "age_band": [member.value for member in AgeBand],
}
DIMENSIONS = ("gender", "origin", "age_band", "country")
TABLES = ("summary", "gender", "origin", "age_band", "country", "crossed")
DEFAULT_CROSS = ("gender", "origin")
COLUMNS = ("people", "registered", "walk_ins", "attendances")


def column_titles() -> dict[str, str]:
    return {
        "people": _("Distinct people"),
        "registered": _("Attendances of registered people"),
        "walk_ins": _("Anonymous walk-ins"),
        "attendances": _("All attendances"),
    }


def category_label(dimension: str, value: str | None, locale: str) -> str:
    if value is None:
        return _("Not recorded")
    if dimension == "gender":
        return Gender(value).label if value in FIXED_CATEGORIES["gender"] else value
    if dimension == "origin":
        return Origin(value).label if value in FIXED_CATEGORIES["origin"] else value
    if dimension == "age_band":
        return AgeBand(value).label if value in FIXED_CATEGORIES["age_band"] else value
    return Locale.parse(locale).territories.get(value.upper(), value)


@dataclass
class Row:
    key: str | None
    label: str
    figures: dict[str, Figure]  # by column


@dataclass
class Breakdown:
    dimension: str
    title: str
    rows: list[Row]
    total: Row


@dataclass
class CrossTable:
    """Two breakdowns crossed (gender x origin by default) for one measure ("people" or "attendances")."""

    measure: str
    title: str
    row_title: str
    row_labels: list[tuple[str | None, str]]
    column_labels: list[tuple[str | None, str]]
    cells: dict[tuple, Figure]
    row_totals: dict[str | None, Figure]
    column_totals: dict[str | None, Figure]
    total: Figure


@dataclass
class Report:
    threshold: int
    exact: bool
    breakdowns: list[Breakdown]
    crossed: list[CrossTable]
    summary: dict[str, Figure] = field(default_factory=dict)
    cross: tuple[str, str] = DEFAULT_CROSS

    @property
    def cross_title(self) -> str:
        return _(
            "%(rows)s × %(columns)s",
            rows=DIMENSION_TITLES[self.cross[0]],
            columns=DIMENSION_TITLES[self.cross[1]],
        )

    def breakdown(self, dimension: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.dimension == dimension)


def _categories(dimension: str, present: set) -> list:
    if dimension in FIXED_CATEGORIES:
        values = list(FIXED_CATEGORIES[dimension])
        values += sorted(v for v in present if v is not None and v not in values)
    else:
        values = sorted(v for v in present if v is not None)
    return [*values, None]


def build_report(
    people_rows, attendance_rows, threshold: int, exact: bool, locale: str, cross=DEFAULT_CROSS
) -> Report:
    """`people_rows`: (gender, origin, age_band, country, count); `attendance_rows`: the same plus
    walk_in before count; `cross`: the two breakdowns crossed (rows, columns). Returns every table
    with hidden cells decided once for all of them, since they share their totals."""
    across, down = cross
    values: dict = defaultdict(int)
    present: dict[str, set] = {dimension: set() for dimension in DIMENSIONS}

    for row in people_rows:
        person = dict(zip(DIMENSIONS, row[:4], strict=True))
        values[("p", "total")] += row.count
        values[("p", "x", person[across], person[down])] += row.count
        for dimension, value in person.items():
            present[dimension].add(value)
            values[("p", dimension, value)] += row.count
    for row in attendance_rows:
        attendee = dict(zip(DIMENSIONS, row[:4], strict=True))
        column = "walk_ins" if row.walk_in else "registered"
        values[("a", column)] += row.count
        values[("a", "attendances")] += row.count
        values[("a", "x", attendee[across], attendee[down])] += row.count
        for dimension, value in attendee.items():
            present[dimension].add(value)
            values[("a", dimension, value, column)] += row.count
            values[("a", dimension, value, "attendances")] += row.count

    categories = {dimension: _categories(dimension, present[dimension]) for dimension in DIMENSIONS}
    relations = []
    for dimension in DIMENSIONS:
        cats = categories[dimension]
        relations.append((("p", "total"), [("p", dimension, c) for c in cats]))
        relations += grid_relations(
            cats,
            ["registered", "walk_ins"],
            cell=lambda r, c, d=dimension: ("a", d, r, c),
            row_total=lambda r, d=dimension: ("a", d, r, "attendances"),
            column_total=lambda c: ("a", c),
            grand=("a", "attendances"),
        )
    rows_of, columns_of = categories[across], categories[down]

    def margin(measure: str, dimension: str, value) -> tuple:
        return ("p", dimension, value) if measure == "p" else ("a", dimension, value, "attendances")

    for measure in ("p", "a"):
        relations += grid_relations(
            rows_of,
            columns_of,
            cell=lambda r, c, m=measure: (m, "x", r, c),
            row_total=lambda r, m=measure: margin(m, across, r),
            column_total=lambda c, m=measure: margin(m, down, c),
            grand=("p", "total") if measure == "p" else ("a", "attendances"),
        )
    # Every key a relation names exists, zero when nothing was counted.
    for total, parts in relations:
        for key in (total, *parts):
            values.setdefault(key, 0)
    hidden = set() if exact else protect(dict(values), relations, threshold)

    def figure(key) -> Figure:
        return Figure.of(values.get(key, 0), key in hidden, threshold)

    def row_for(dimension, value, label) -> Row:
        if value == "__total__":
            figures = {"people": figure(("p", "total"))}
            figures.update({c: figure(("a", c)) for c in ("registered", "walk_ins", "attendances")})
        else:
            figures = {"people": figure(("p", dimension, value))}
            figures.update(
                {c: figure(("a", dimension, value, c)) for c in ("registered", "walk_ins", "attendances")}
            )
        return Row(value, label, figures)

    breakdowns = [
        Breakdown(
            dimension=dimension,
            title=str(DIMENSION_TITLES[dimension]),
            rows=[
                row_for(dimension, value, category_label(dimension, value, locale))
                for value in categories[dimension]
            ],
            total=row_for(dimension, "__total__", _("Total")),
        )
        for dimension in DIMENSIONS
    ]
    row_labels = [(r, category_label(across, r, locale)) for r in rows_of]
    column_labels = [(c, category_label(down, c, locale)) for c in columns_of]
    names = {"rows": str(DIMENSION_TITLES[across]), "columns": str(DIMENSION_TITLES[down])}
    titles = {
        "p": _("Distinct people: %(rows)s × %(columns)s", **names),
        "a": _("All attendances, anonymous walk-ins included: %(rows)s × %(columns)s", **names),
    }
    crossed = [
        CrossTable(
            measure="people" if m == "p" else "attendances",
            title=titles[m],
            row_title=names["rows"],
            row_labels=row_labels,
            column_labels=column_labels,
            cells={(r, c): figure((m, "x", r, c)) for r in rows_of for c in columns_of},
            row_totals={r: figure(margin(m, across, r)) for r in rows_of},
            column_totals={c: figure(margin(m, down, c)) for c in columns_of},
            total=figure(("p", "total") if m == "p" else ("a", "attendances")),
        )
        for m in ("p", "a")
    ]
    report_cross = cross
    summary = {"people": figure(("p", "total"))}
    summary.update({c: figure(("a", c)) for c in ("registered", "walk_ins", "attendances")})
    return Report(threshold, exact, breakdowns, crossed, summary, report_cross)


# -- tables as plain rows, for exports ---------------------------------------------------------------


def hidden_text(threshold: int) -> str:
    return _("< %(threshold)s", threshold=threshold)


PROTECTIVE_MARK = "×"  # a figure hidden only so that a small one cannot be worked out


def shown(fig: Figure, hidden: str):
    """What a table, chart or export shows for a figure: its value, "< k", or the protective mark."""
    if not fig.hidden:
        return fig.value
    return PROTECTIVE_MARK if fig.protective else hidden


def table_rows(report: Report, table: str) -> tuple[str, list[list]]:
    """(title, rows) of one table, the first row being the header; hidden cells as "< k" text."""
    hide = hidden_text(report.threshold)

    def show(fig: Figure):
        return shown(fig, hide)

    titles = column_titles()
    if table == "summary":
        rows = [[_("Figure"), _("Count")]]
        rows += [[titles[c], show(report.summary[c])] for c in COLUMNS]
        return _("Summary"), rows
    if table in DIMENSIONS:
        breakdown = report.breakdown(table)
        rows = [[breakdown.title, *(titles[c] for c in COLUMNS)]]
        for row in [*breakdown.rows, breakdown.total]:
            rows.append([row.label, *(show(row.figures[c]) for c in COLUMNS)])
        return breakdown.title, rows
    if table == "crossed":
        rows = []
        for cross in report.crossed:
            rows.append([cross.title])
            rows.append([cross.row_title, *(label for _key, label in cross.column_labels), _("Total")])
            for key, label in cross.row_labels:
                cells = [show(cross.cells[(key, o)]) for o, _label in cross.column_labels]
                rows.append([label, *cells, show(cross.row_totals[key])])
            totals = [show(cross.column_totals[o]) for o, _label in cross.column_labels]
            rows.append([_("Total"), *totals, show(cross.total)])
            rows.append([])
        return report.cross_title, rows[:-1]
    raise KeyError(table)
