"""The reports blueprint: programmes, targets, reports and exports. Thin views: load and authorise,
validate, call one service or query, render or redirect. Routes live in programmes.py and
reports.py; the loaders and helpers they share are here."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request
from flask_login import current_user

from app.events.models import EventType
from app.programmes.models import Programme
from app.reports import permissions, queries
from app.reports.models import Measure, Target

bp = Blueprint("reports", __name__)


def _deny():
    """Anonymous visitors are sent to sign in; signed-in people without the right get 403."""
    if not current_user.is_authenticated:
        abort(current_app.login_manager.unauthorized())
    abort(403)


def get_programme_or_404(programme_id: int, manage: bool = False) -> Programme:
    programme = queries.get_programme(programme_id)
    if programme is None:
        abort(404)
    allowed = (
        permissions.can_manage_programmes(current_user)
        if manage
        else (permissions.can_view_programme(current_user, programme))
    )
    if not allowed:
        _deny()
    return programme


def get_target_or_404(programme: Programme, target_id: int) -> Target:
    target = queries.get_target(programme, target_id)
    if target is None:
        abort(404)
    return target


def wants_exact_figures() -> bool:
    return request.args.get("exact") == "1" and permissions.can_see_exact_figures(current_user)


def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_template_filter("report_measure_label")
def report_measure_label(value: str) -> str:
    return Measure(value).label


@bp.app_template_filter("report_event_types")
def report_event_types(value: str) -> str:
    known = {member.value for member in EventType}
    return ", ".join(EventType(v).label for v in value.split(",") if v in known)


@bp.app_template_filter("report_chart_item")
def report_chart_item(row) -> tuple:
    return row.label, [row.figures["people"], row.figures["attendances"]]


@bp.app_template_filter("report_cross_rows")
def report_cross_rows(cross) -> list[tuple]:
    """One group of bars per row category, one bar per column category (the table read across)."""
    keys = [key for key, _label in cross.column_labels]
    return [(label, [cross.cells[(row, key)] for key in keys]) for row, label in cross.row_labels]


from app.reports.views import desk, programmes, reports  # noqa: E402,F401 - registers the routes
