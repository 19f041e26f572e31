"""From the aggregated rows of queries.py to the tables a page, a chart and an export show.

Every figure is published through cell key perturbation (app/reports/cellkey.py): from its own count
and the sum of its records' keys, so one group of people gets one figure in every table, filter and
export, and a table's cells need not add up to its totals exactly (that is what stops subtraction).
Counts of 1..k-1 show as "< k"; there is no secondary suppression (a hidden cell cannot be worked
out from perturbed totals, which are known only to within the noise).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from babel import Locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.models import Gender, Origin
from app.events.models import AgeBand
from app.reports.cellkey import Figure

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
    """`people_rows`: (gender, origin, age_band, country, count, key_sum); `attendance_rows`: the
    same with walk_in before count; `cross`: the two breakdowns crossed (rows, columns). Each figure
    is the sum of the rows it covers, and so is its key sum: a figure is published from its own
    count and cell key alone (app/reports/cellkey.py), whichever table or filter shows it."""
    across, down = cross
    at_across, at_down = DIMENSIONS.index(across), DIMENSIONS.index(down)
    values: dict = defaultdict(int)
    keys: dict = defaultdict(int)
    present: dict[str, set] = {dimension: set() for dimension in DIMENSIONS}
    # About 10,000 additions for a programme's report: plain tuples and local dicts, no call per
    # addition (a quarter of the report's time when each went through a function and a Row's names).
    for row in people_rows:
        person, count, key_sum = tuple(row[:4]), row.count, row.key_sum
        for key in (("p", "total"), ("p", "x", person[at_across], person[at_down]),
                    *(("p", dimension, value) for dimension, value in zip(DIMENSIONS, person, strict=True))):
            values[key] += count
            keys[key] += key_sum
        for dimension, value in zip(DIMENSIONS, person, strict=True):
            present[dimension].add(value)
    for row in attendance_rows:
        attendee, count, key_sum = tuple(row[:4]), row.count, row.key_sum
        column = "walk_ins" if row.walk_in else "registered"
        added = [("a", column), ("a", "attendances"), ("a", "x", attendee[at_across], attendee[at_down])]
        for dimension, value in zip(DIMENSIONS, attendee, strict=True):
            present[dimension].add(value)
            added += [("a", dimension, value, column), ("a", dimension, value, "attendances")]
        for key in added:
            values[key] += count
            keys[key] += key_sum

    categories = {dimension: _categories(dimension, present[dimension]) for dimension in DIMENSIONS}
    rows_of, columns_of = categories[across], categories[down]

    def margin(measure: str, dimension: str, value) -> tuple:
        return ("p", dimension, value) if measure == "p" else ("a", dimension, value, "attendances")

    def figure(key) -> Figure:
        return Figure.of(values.get(key, 0), keys.get(key, 0), threshold, exact)

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


def shown(fig: Figure, hidden: str):
    """What a table, chart or export shows for a figure: its published value or "< k"."""
    return hidden if fig.hidden else fig.value


def cross_rows(cross: CrossTable) -> list[list]:
    """A crossed table as rows: its title, its header, one row per category, the totals."""
    rows = [[cross.title]]
    rows.append([cross.row_title, *(label for _key, label in cross.column_labels), _("Total")])
    for key, label in cross.row_labels:
        cells = [cross.cells[(key, o)] for o, _label in cross.column_labels]
        rows.append([label, *cells, cross.row_totals[key]])
    totals = [cross.column_totals[o] for o, _label in cross.column_labels]
    rows.append([_("Total"), *totals, cross.total])
    return rows


def table_rows(report: Report, table: str) -> tuple[str, list[list]]:
    """(title, rows) of one table; its figures are `Figure`s, which an export writes as the page
    shows them (app/reports/exports.py)."""
    titles = column_titles()
    if table == "summary":
        rows = [[_("Figure"), _("Count")]]
        rows += [[titles[c], report.summary[c]] for c in COLUMNS]
        if "paper" in report.summary:
            rows.append([_("Of all attendances: typed in from paper sheets"), report.summary["paper"]])
        return _("Summary"), rows
    if table in DIMENSIONS:
        breakdown = report.breakdown(table)
        rows = [[breakdown.title, *(titles[c] for c in COLUMNS)]]
        for row in [*breakdown.rows, breakdown.total]:
            rows.append([row.label, *(row.figures[c] for c in COLUMNS)])
        return breakdown.title, rows
    if table == "crossed":
        rows = []
        for cross in report.crossed:
            rows += [*cross_rows(cross), []]
        return report.cross_title, rows[:-1]
    raise KeyError(table)
