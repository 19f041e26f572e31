"""Targets with their protected figures, for the programme page and the donor report."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from app.reports import queries
from app.reports.breakdowns import hidden_text, shown
from app.reports.disclosure import Figure, protect
from app.reports.forms import share_pairs
from app.reports.models import Measure, Programme, Target
from app.reports.protected import linked_cells, protected_report, report_figure


@dataclass
class TargetProgress:
    """A target with its protected figures, ready for the page and the donor report."""

    target: Target
    reached: Figure
    share: Figure | None
    percent_of_goal: int | None
    share_percent: int | None
    share_holds: bool | None

    @property
    def share_label(self) -> str | None:
        return share_label(self.target)


def share_label(target: Target) -> str | None:
    if not target.share_dimension:
        return None
    return str(dict(share_pairs()).get(f"{target.share_dimension}:{target.share_value}", target.share_value))


def target_progress(
    programme: Programme, exact: bool, threshold: int, date_from=None, date_to=None
) -> list[TargetProgress]:
    """Each target's number reached and share, protected together: the share's complement (the
    people not in it) is never shown, and is not let out by subtraction either. A target that
    repeats a report's cells (protected.linked_cells) hides whatever that report hides too."""
    result = []
    if programme.targets:
        queries.tune_for_aggregates()
    for target in programme.targets:
        progress = queries.target_progress(target, date_from, date_to)
        values = {"reached": progress.reached}
        relations = []
        if progress.share_count is not None:
            values["share"] = progress.share_count
            values["rest"] = progress.reached - progress.share_count
            relations.append(("reached", ["share", "rest"]))
        hidden = set() if exact else protect(values, relations, threshold, unpublished={"rest"})
        if not exact:
            hidden |= _hidden_in_linked_report(programme, target, date_from, date_to)
        reached = Figure.of(progress.reached, "reached" in hidden, threshold)
        share = Figure.of(progress.share_count, "share" in hidden, threshold) if "share" in values else None
        percent = None if reached.hidden else min(100, progress.reached * 100 // max(target.goal, 1))
        share_percent = holds = None
        if share is not None and not reached.hidden and progress.reached:
            if not share.hidden:
                share_percent = round(progress.share_count * 100 / progress.reached)
            # Met / not met would bound a hidden share (4 of 14 against 25%), so it goes with it.
            if target.share_min_percent and not share.hidden:
                holds = progress.share_count * 100 >= target.share_min_percent * progress.reached
        result.append(TargetProgress(target, reached, share, percent, share_percent, holds))
    return result


def _hidden_in_linked_report(programme: Programme, target: Target, date_from, date_to) -> set[str]:
    linked = linked_cells(target)
    if linked is None:
        return set()
    event_type, column, share_cell = linked
    filters = queries.ReportFilters(
        programme_id=programme.id, event_type=event_type, date_from=date_from, date_to=date_to
    )
    report = protected_report(filters, exact=False)
    hidden = set()
    if report_figure(report, column).hidden:
        hidden.add("reached")
    if share_cell is not None:
        figure = report_figure(report, column, share_cell)
        if figure is None or figure.hidden:
            hidden.add("share")
    return hidden


def targets_sheet(progress: list[TargetProgress], threshold: int) -> list[list]:
    hide = hidden_text(threshold)

    def show(figure):
        return "" if figure is None else shown(figure, hide)

    rows = [
        [
            _("Target"),
            _("What is counted"),
            _("Number to reach"),
            _("Reached"),
            _("Reached, as a share of the number to reach (%)"),
            _("Share target on"),
            _("Minimum share (%)"),
            _("In the share"),
            _("Share reached (%)"),
            _("Share target holds"),
        ]
    ]
    for item in progress:
        target = item.target
        holds = "" if item.share_holds is None else (_("Yes") if item.share_holds else _("No"))
        rows.append(
            [
                target.title,
                Measure(target.measure).label,
                target.goal,
                show(item.reached),
                "" if item.percent_of_goal is None else item.percent_of_goal,
                item.share_label or "",
                target.share_min_percent or "",
                show(item.share),
                "" if item.share_percent is None else item.share_percent,
                holds,
            ]
        )
    return rows
