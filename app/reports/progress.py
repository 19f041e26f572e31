"""Targets with their protected figures, for the programme page and the donor report."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from app.programmes.models import Programme
from app.reports import queries
from app.reports.cellkey import Figure
from app.reports.forms import share_pairs
from app.reports.models import Measure, Target


@dataclass
class TargetProgress:
    """A target with its protected figures, ready for the page and the donor report."""

    target: Target
    reached: Figure
    share: Figure | None
    percent_of_goal: int | None
    share_percent: int | None
    share_holds: bool | None
    # Walk-ins (or proposals with no known author) the measure cannot name, published like every
    # figure; `estimate` when the target's rule added them to what is reached.
    unnamed: Figure | None = None
    estimate: bool = False

    @property
    def share_label(self) -> str | None:
        return share_label(self.target)


def share_label(target: Target) -> str | None:
    if not target.share_dimension:
        return None
    return str(dict(share_pairs()).get(f"{target.share_dimension}:{target.share_value}", target.share_value))


def unnamed_label(item: TargetProgress) -> str:
    """What the count beside a target is, in words."""
    if item.unnamed is None:
        return ""
    if Measure(item.target.measure) is Measure.PROPOSERS:
        return _("People who proposed with no card (unknown authors, group members without a card), left out")
    if item.estimate:
        return _("Anonymous walk-ins, each counted as one person (estimate)")
    return _("Anonymous walk-ins, left out")


def target_progress(
    programme: Programme, exact: bool, threshold: int, date_from=None, date_to=None
) -> list[TargetProgress]:
    """Each target's number reached and share, each published from its own count and cell key
    (app/reports/cellkey.py): a target that counts the same people as a report's cell (its total,
    its women) shows the same figure as the report. Percentages and "met" are worked out from the
    published figures, so they tell nothing the figures do not."""
    result = []
    if programme.targets:
        queries.tune_for_aggregates()
    for target in programme.targets:
        progress = queries.target_progress(target, date_from, date_to)
        reached = Figure.of(progress.reached, progress.reached_keys, threshold, exact)
        share = None
        if progress.share_count is not None:
            share = Figure.of(progress.share_count, progress.share_keys, threshold, exact)
        percent = None if reached.hidden else min(100, reached.value * 100 // max(target.goal, 1))
        share_percent = holds = None
        if share is not None and not reached.hidden and reached.value and not share.hidden:
            # Perturbed independently, the share may come out above the whole: it then reads 100%.
            share_count = min(share.value, reached.value)
            share_percent = round(share_count * 100 / reached.value)
            # Met / not met would bound a hidden share (4 of 14 against 25%), so it goes with it.
            if target.share_min_percent:
                holds = share_count * 100 >= target.share_min_percent * reached.value
        unnamed = None
        if progress.unnamed is not None:
            unnamed = Figure.of(progress.unnamed, progress.unnamed_keys, threshold, exact)
        estimate = bool(target.walk_ins_as_people and progress.unnamed)
        result.append(
            TargetProgress(target, reached, share, percent, share_percent, holds, unnamed, estimate)
        )
    return result


def targets_sheet(progress: list[TargetProgress]) -> list[list]:
    """The donor report's first sheet: one row per target. Figures stay `Figure`s (the export
    writes them as numbers with their marks); an empty cell is None, never text."""
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
            _("Estimate"),
            _("Walk-ins or proposals with no known author"),
            _("How they are counted"),
        ]
    ]
    for item in progress:
        target = item.target
        holds = None if item.share_holds is None else (_("Yes") if item.share_holds else _("No"))
        rows.append(
            [
                target.title,
                Measure(target.measure).label,
                target.goal,
                item.reached,
                item.percent_of_goal,
                item.share_label,
                target.share_min_percent,
                item.share,
                item.share_percent,
                holds,
                _("Yes") if item.estimate else None,
                item.unnamed,
                unnamed_label(item) or None,
            ]
        )
    return rows
