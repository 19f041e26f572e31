"""Distinct people by sex and age: the first breakdown donors ask for (girls, boys, women, men), then
by the programme's own age bands (app/programmes/age_bands.py).

SQL counts the people per gender and age in whole years (queries.sex_age_rows: a few hundred rows at
most); each cell here is the sum of the rows it covers, counts and record keys alike, and is
published from its own count and cell key (app/reports/cellkey.py), as every other figure: a
cell of 1..k-1 people shows as "< k", and the same people give the same figure in every table
(the total here is the report's total of distinct people)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _

from app.accounts.models import Gender
from app.programmes.age_bands import AgeRange, parse_age_bands
from app.reports.breakdowns import CrossTable, category_label
from app.reports.cellkey import Figure

ADULT_AGE = 18
GENDERS = [member.value for member in Gender]


@dataclass
class SexAge:
    """The sex x age tables of one selection, and the four figures donors quote first."""

    tables: list[CrossTable]
    girls: Figure
    boys: Figure
    women: Figure
    men: Figure

    @property
    def headline(self) -> list[tuple[str, Figure]]:
        return [(_("Girls"), self.girls), (_("Boys"), self.boys), (_("Women"), self.women),
                (_("Men"), self.men)]


def _band_label(band: AgeRange) -> str:
    if band.high is None:
        return _("%(low)s and over", low=band.low)
    return _("%(low)s to %(high)s", low=band.low, high=band.high)


def _adult_groups() -> list[tuple[str, str, AgeRange]]:
    return [
        ("minor", _("Under 18"), AgeRange(0, ADULT_AGE - 1)),
        ("adult", _("18 and over"), AgeRange(ADULT_AGE, None)),
    ]


def _table(rows, groups, title: str, threshold: int, exact: bool, locale: str) -> CrossTable:
    """`groups`: (key, label, AgeRange); people whose age falls in none are "other ages" (a gap
    between the programme's bands), people with no recorded age "age not recorded"."""
    counts: dict = defaultdict(int)
    keys: dict = defaultdict(int)
    present = set()

    def add(cell, count, key_sum):
        counts[cell] += count
        keys[cell] += key_sum

    for gender, age, count, key_sum in rows:
        present.add(gender)
        if age is None:
            group = "unknown"
        else:
            group = next((key for key, _label, band in groups if band.holds(int(age))), "other")
        for cell in ((group, gender), ("row", group), ("column", gender), ("total",)):
            add(cell, count, key_sum)

    def figure(cell) -> Figure:
        return Figure.of(counts.get(cell, 0), keys.get(cell, 0), threshold, exact)

    row_labels = [(key, label) for key, label, _band in groups]
    if counts.get(("row", "other")):
        row_labels.append(("other", _("Other ages")))
    row_labels.append(("unknown", _("Age not recorded")))
    genders = GENDERS + sorted(g for g in present if g is not None and g not in GENDERS) + [None]
    column_labels = [(g, category_label("gender", g, locale)) for g in genders]
    return CrossTable(
        measure="sex-age",
        title=title,
        row_title=_("Age at the first event attended"),
        row_labels=row_labels,
        column_labels=column_labels,
        cells={(r, c): figure((r, c)) for r, _label in row_labels for c, _l in column_labels},
        row_totals={r: figure(("row", r)) for r, _label in row_labels},
        column_totals={c: figure(("column", c)) for c, _label in column_labels},
        total=figure(("total",)),
    )


def build_sex_age(rows, age_bands: str, threshold: int, exact: bool, locale: str) -> SexAge:
    """`rows`: (gender, age, count, key_sum) from queries.sex_age_rows; `age_bands`: the
    programme's own bands as stored ("" when none, or for a report across programmes)."""
    adults = _table(rows, _adult_groups(), _("Distinct people by sex and age: girls, boys, women, men"),
                    threshold, exact, locale)
    tables = [adults]
    bands = parse_age_bands(age_bands)
    if bands:
        groups = [(band.text, _band_label(band), band) for band in bands]
        tables.append(_table(rows, groups, _("Distinct people by sex and the programme's age bands"),
                             threshold, exact, locale))
        tables[-1].measure = "sex-bands"
    cells = adults.cells
    return SexAge(
        tables,
        girls=cells[("minor", Gender.WOMAN.value)],
        boys=cells[("minor", Gender.MAN.value)],
        women=cells[("adult", Gender.WOMAN.value)],
        men=cells[("adult", Gender.MAN.value)],
    )
