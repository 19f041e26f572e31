"""A report's perturbed tables, counted once per data version.

No figure needs hiding beyond its own "< k" any more: a target that counts the same people as a
report's cell gets the same figure from the same count and cell key (app/reports/cellkey.py), so
the programme page, the donor report and the report agree without being computed together."""

from __future__ import annotations

from flask import current_app

from app.core.fragments import kept_figures
from app.core.i18n import current_language
from app.reports import queries
from app.reports.breakdowns import DEFAULT_CROSS, Report, build_report


def disclosure_threshold() -> int:
    """The smallest group a figure may show (JIWAR_DISCLOSURE_THRESHOLD)."""
    return current_app.config["JIWAR_DISCLOSURE_THRESHOLD"]


def report_key(filters: queries.ReportFilters, exact: bool, cross: tuple[str, str]) -> tuple:
    """Everything a report's figures depend on besides the data: the reader's towns are in
    `filters`, so a report counted for one organiser is never given to another."""
    return ("report", filters, exact, disclosure_threshold(), current_language(), cross)


def protected_report(filters: queries.ReportFilters, exact: bool, cross: tuple[str, str] = DEFAULT_CROSS
                     ) -> Report:
    """The report's tables, counted again only after a write: reading a report over a million
    attendances costs 100-300 ms of SQL, and the people who read it switch back and forth."""

    def compute():
        queries.tune_for_aggregates()
        people, attendances = queries.report_cubes(filters)
        return build_report(people, attendances, disclosure_threshold(), exact, current_language(), cross)

    return kept_figures(report_key(filters, exact, cross), compute)
