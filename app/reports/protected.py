"""A report's perturbed tables.

No figure needs hiding beyond its own "< k" any more: a target that counts the same people as a
report's cell gets the same figure from the same count and cell key (app/reports/cellkey.py), so
the programme page, the donor report and the report agree without being computed together."""

from __future__ import annotations

from flask import current_app

from app.core.i18n import current_language
from app.reports import queries
from app.reports.breakdowns import DEFAULT_CROSS, Report, build_report
from app.reports.cellkey import Figure
from app.reports.sex_age import SexAge, build_sex_age


def disclosure_threshold() -> int:
    """The smallest group a figure may show (JIWAR_DISCLOSURE_THRESHOLD)."""
    return current_app.config["JIWAR_DISCLOSURE_THRESHOLD"]


def protected_report(filters: queries.ReportFilters, exact: bool, cross: tuple[str, str] = DEFAULT_CROSS
                     ) -> Report:
    """The report's tables, counted in SQL on each reading (a million attendances: 100-300 ms)."""
    queries.tune_for_aggregates()
    people, attendances = queries.report_cubes(filters)
    report = build_report(people, attendances, disclosure_threshold(), exact, current_language(), cross)
    # Of all the attendances, those typed in from paper sheets, protected as every other figure.
    report.summary["paper"] = Figure.of(*queries.paper_attendances(filters), report.threshold, exact)
    return report


def protected_sex_age(filters: queries.ReportFilters, exact: bool, age_bands: str | None = None) -> SexAge:
    """The sex x age tables, with the programme's own age bands when one programme is chosen
    (`age_bands` when the caller holds the programme already)."""
    if age_bands is None:
        age_bands = queries.programme_age_bands(filters.programme_id) if filters.programme_id else ""
    rows = queries.sex_age_rows(filters)
    return build_sex_age(rows, age_bands, disclosure_threshold(), exact, current_language())
