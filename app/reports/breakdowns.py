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
TABLES = ("summary", "gender", "origin", "age_band", "country", "gender_origin")
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
    """Gender (rows) x origin (columns) for one measure ("people" or "attendances")."""

    measure: str
    title: str
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

    def breakdown(self, dimension: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.dimension == dimension)


def _categories(dimension: str, present: set) -> list:
    if dimension in FIXED_CATEGORIES:
        values = list(FIXED_CATEGORIES[dimension])
        values += sorted(v for v in present if v is not None and v not in values)
    else:
        values = sorted(v for v in present if v is not None)
    return [*values, None]


def build_report(people_rows, attendance_rows, threshold: int, exact: bool, locale: str) -> Report:
    """`people_rows`: (gender, origin, age_band, country, count); `attendance_rows`: the same plus
    walk_in before count. Returns every table with hidden cells decided once for all of them."""
    values: dict = defaultdict(int)
    present: dict[str, set] = {dimension: set() for dimension in DIMENSIONS}

    for row in people_rows:
        person = dict(zip(DIMENSIONS, row[:4], strict=True))
        values[("p", "total")] += row.count
        values[("p", "x", person["gender"], person["origin"])] += row.count
        for dimension, value in person.items():
            present[dimension].add(value)
            values[("p", dimension, value)] += row.count
    for row in attendance_rows:
        attendee = dict(zip(DIMENSIONS, row[:4], strict=True))
        column = "walk_ins" if row.walk_in else "registered"
        values[("a", column)] += row.count
        values[("a", "attendances")] += row.count
        values[("a", "x", attendee["gender"], attendee["origin"])] += row.count
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
    genders, origins = categories["gender"], categories["origin"]
    for measure in ("p", "a"):
        relations += grid_relations(
            genders,
            origins,
            cell=lambda g, o, m=measure: (m, "x", g, o),
            row_total=lambda g, m=measure: (
                ("p", "gender", g) if m == "p" else ("a", "gender", g, "attendances")
            ),
            column_total=lambda o, m=measure: (
                ("p", "origin", o) if m == "p" else ("a", "origin", o, "attendances")
            ),
            grand=("p", "total") if measure == "p" else ("a", "attendances"),
        )
    # Every key a relation names exists, zero when nothing was counted.
    for total, parts in relations:
        for key in (total, *parts):
            values.setdefault(key, 0)
    hidden = set() if exact else protect(dict(values), relations, threshold)

    def figure(key) -> Figure:
        return Figure(values.get(key, 0), key in hidden)

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
    row_labels = [(g, category_label("gender", g, locale)) for g in genders]
    column_labels = [(o, category_label("origin", o, locale)) for o in origins]
    crossed = [
        CrossTable(
            measure="people",
            title=_("Distinct people by gender and origin"),
            row_labels=row_labels,
            column_labels=column_labels,
            cells={(g, o): figure(("p", "x", g, o)) for g in genders for o in origins},
            row_totals={g: figure(("p", "gender", g)) for g in genders},
            column_totals={o: figure(("p", "origin", o)) for o in origins},
            total=figure(("p", "total")),
        ),
        CrossTable(
            measure="attendances",
            title=_("All attendances (anonymous walk-ins included) by gender and origin"),
            row_labels=row_labels,
            column_labels=column_labels,
            cells={(g, o): figure(("a", "x", g, o)) for g in genders for o in origins},
            row_totals={g: figure(("a", "gender", g, "attendances")) for g in genders},
            column_totals={o: figure(("a", "origin", o, "attendances")) for o in origins},
            total=figure(("a", "attendances")),
        ),
    ]
    summary = {"people": figure(("p", "total"))}
    summary.update({c: figure(("a", c)) for c in ("registered", "walk_ins", "attendances")})
    return Report(threshold, exact, breakdowns, crossed, summary)


# -- tables as plain rows, for exports ---------------------------------------------------------------


def hidden_text(threshold: int) -> str:
    return _("< %(threshold)s", threshold=threshold)


def table_rows(report: Report, table: str) -> tuple[str, list[list]]:
    """(title, rows) of one table, the first row being the header; hidden cells as "< k" text."""
    hide = hidden_text(report.threshold)

    def show(fig: Figure):
        return hide if fig.hidden else fig.value

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
    if table == "gender_origin":
        rows = []
        for cross in report.crossed:
            rows.append([cross.title])
            rows.append([_("Gender"), *(label for _key, label in cross.column_labels), _("Total")])
            for key, label in cross.row_labels:
                cells = [show(cross.cells[(key, o)]) for o, _label in cross.column_labels]
                rows.append([label, *cells, show(cross.row_totals[key])])
            totals = [show(cross.column_totals[o]) for o, _label in cross.column_labels]
            rows.append([_("Total"), *totals, show(cross.total)])
            rows.append([])
        return _("Gender and origin"), rows[:-1]
    raise KeyError(table)
