"""A report's protected tables, counted once per data version, and the cells of them that a
target's figures repeat.

A target with no restriction but one event type counts exactly what a report of its programme
(filtered by that type) shows in one cell: its number reached is the report's total, its share
("women") a cell of the gender or origin table. Published beside each other (the donor report's
sheets, the programme page next to the report page), the two must hide the same figures, or a
total hidden as × in the report is read off the target's progress and the small cell it protects
comes back by subtraction."""

from __future__ import annotations

from flask import current_app

from app.core.fragments import kept_figures
from app.core.i18n import current_language
from app.reports import queries
from app.reports.breakdowns import DEFAULT_CROSS, Report, build_report
from app.reports.disclosure import Figure
from app.reports.models import Measure, Target


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


def linked_cells(target: Target) -> tuple[str | None, str, tuple | None] | None:
    """(the event type the report is filtered by, its column, the share's (dimension, value)) when
    the target repeats a report's cells; None when it counts something no report table shows."""
    if target.min_sessions or target.age_min is not None or target.age_max is not None:
        return None
    types = [value for value in target.event_types.split(",") if value]
    column = {Measure.PEOPLE: "people", Measure.ATTENDANCES: "attendances"}.get(Measure(target.measure))
    if column is None or len(types) > 1:
        return None
    share = (target.share_dimension, target.share_value) if target.share_dimension else None
    return (types[0] if types else None, column, share)


def report_figure(report: Report, column: str, cell: tuple | None = None) -> Figure | None:
    """The report's figure in `column` for the whole selection, or for one (dimension, value)."""
    if cell is None:
        return report.summary[column]
    dimension, value = cell
    return next((row.figures[column] for row in report.breakdown(dimension).rows if row.key == value), None)
