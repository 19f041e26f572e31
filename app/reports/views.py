"""Programmes, targets, reports and exports. Thin views: load and authorise, validate, call one
service or query, render or redirect."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.htmx import is_htmx_fragment_request, render_page_or_fragment
from app.core.i18n import current_language, text_direction
from app.core.pagination import parse_page
from app.events.models import EventType
from app.reports import exports, permissions, queries, services
from app.reports.breakdowns import (
    DEFAULT_CROSS,
    DIMENSION_TITLES,
    DIMENSIONS,
    TABLES,
    build_report,
    hidden_text,
    table_rows,
)
from app.reports.disclosure import Figure, protect
from app.reports.forms import LinkForm, PeriodForm, ProgrammeForm, ReportFilterForm, TargetForm, options
from app.reports.models import Measure, Programme, Target

bp = Blueprint("reports", __name__)


def _threshold() -> int:
    return current_app.config["JIWAR_DISCLOSURE_THRESHOLD"]


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


def _wants_exact() -> bool:
    return request.args.get("exact") == "1" and permissions.can_see_exact_figures(current_user)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


# -- programmes -------------------------------------------------------------------------------------


@bp.get("/programmes")
def list_programmes():
    page = queries.visible_programmes(current_user, parse_page(request.args.get("page")))
    return render_template("reports/list.html", page=page)


def _programme_form(programme: Programme | None = None) -> ProgrammeForm:
    form = ProgrammeForm(obj=programme)
    form.municipality_ids.choices = options(
        (m.id, m.name(current_language())) for m in queries.all_municipalities()
    )
    if programme is not None and request.method == "GET":
        form.municipality_ids.data = [m.id for m in programme.municipalities]
    return form


def _programme_fields(form: ProgrammeForm) -> dict:
    return {
        "name": form.name.data,
        "description": form.description.data or "",
        "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data,
        "municipality_ids": form.municipality_ids.data,
        "is_public": form.is_public.data,
    }


@bp.route("/programmes/new", methods=["GET", "POST"])
@login_required
def new_programme():
    if not permissions.can_manage_programmes(current_user):
        abort(403)
    form = _programme_form()
    if form.validate_on_submit():
        try:
            programme = services.create_programme(current_user, **_programme_fields(form))
        except services.ReportError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("Programme created."), "success")
            return redirect(url_for("reports.show_programme", programme_id=programme.id), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("reports/programme_form.html", form=form, programme=None), status


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@login_required
def edit_programme(programme_id: int):
    programme = get_programme_or_404(programme_id, manage=True)
    form = _programme_form(programme)
    if form.validate_on_submit():
        try:
            services.update_programme(current_user, programme, **_programme_fields(form))
        except services.ReportError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("Programme saved."), "success")
            return redirect(url_for("reports.show_programme", programme_id=programme.id), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("reports/programme_form.html", form=form, programme=programme), status


@bp.post("/programmes/<int:programme_id>/delete")
@login_required
def delete_programme(programme_id: int):
    programme = get_programme_or_404(programme_id, manage=True)
    try:
        services.delete_programme(current_user, programme)
    except services.ReportError as error:
        flash(error.message, "error")
        return redirect(url_for("reports.edit_programme", programme_id=programme.id), code=303)
    flash(_("Programme deleted."), "success")
    return redirect(url_for("reports.list_programmes"), code=303)


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
    from app.reports.forms import share_pairs

    return str(dict(share_pairs()).get(f"{target.share_dimension}:{target.share_value}", target.share_value))


def target_progress(programme: Programme, exact: bool, date_from=None, date_to=None) -> list[TargetProgress]:
    threshold = _threshold()
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
        reached = Figure(progress.reached, "reached" in hidden)
        share = Figure(progress.share_count, "share" in hidden) if "share" in values else None
        percent = None if reached.hidden else min(100, progress.reached * 100 // max(target.goal, 1))
        share_percent = holds = None
        if share is not None and not reached.hidden and progress.reached:
            if not share.hidden:
                share_percent = round(progress.share_count * 100 / progress.reached)
            if target.share_min_percent:
                holds = progress.share_count * 100 >= target.share_min_percent * progress.reached
        result.append(TargetProgress(target, reached, share, percent, share_percent, holds))
    return result


@bp.get("/programmes/<int:programme_id>")
def show_programme(programme_id: int):
    programme = get_programme_or_404(programme_id)
    exact = _wants_exact()
    if exact:
        services.record_exact_view(current_user, "programme", programme)
    progress = target_progress(programme, exact)
    response = make_response(
        render_template(
            "reports/programme.html",
            programme=programme,
            progress=progress,
            exact=exact,
            threshold=_threshold(),
            hidden_text=hidden_text(_threshold()),
            can_manage=permissions.can_manage_programmes(current_user),
            can_report=permissions.can_download_donor_report(current_user, programme),
            can_see_exact=permissions.can_see_exact_figures(current_user),
            period_form=PeriodForm(request.args),
        )
    )
    return _no_store(response) if exact else response


# -- targets ----------------------------------------------------------------------------------------


def _target_form(target: Target | None = None) -> TargetForm:
    form = TargetForm(obj=target)
    if target is not None and request.method == "GET":
        form.event_types.data = [value for value in target.event_types.split(",") if value]
        form.share.data = f"{target.share_dimension}:{target.share_value}" if target.share_dimension else ""
    return form


def _save_target(programme: Programme, target: Target | None):
    form = _target_form(target)
    if form.validate_on_submit():
        try:
            services.save_target(current_user, programme, form.target_data(), target)
        except services.ReportError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("Target saved."), "success")
            return redirect(url_for("reports.show_programme", programme_id=programme.id), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("reports/target_form.html", form=form, programme=programme, target=target), status


@bp.route("/programmes/<int:programme_id>/targets/new", methods=["GET", "POST"])
@login_required
def new_target(programme_id: int):
    return _save_target(get_programme_or_404(programme_id, manage=True), None)


@bp.route("/programmes/<int:programme_id>/targets/<int:target_id>/edit", methods=["GET", "POST"])
@login_required
def edit_target(programme_id: int, target_id: int):
    programme = get_programme_or_404(programme_id, manage=True)
    return _save_target(programme, get_target_or_404(programme, target_id))


@bp.post("/programmes/<int:programme_id>/targets/<int:target_id>/delete")
@login_required
def delete_target(programme_id: int, target_id: int):
    programme = get_programme_or_404(programme_id, manage=True)
    services.delete_target(current_user, get_target_or_404(programme, target_id))
    flash(_("Target deleted."), "success")
    return redirect(url_for("reports.show_programme", programme_id=programme.id), code=303)


# -- events and calls of a programme ----------------------------------------------------------------


def _links_page(programme: Programme, form: LinkForm | None = None, status: int = 200):
    page = queries.attached_events(programme, parse_page(request.args.get("page")))
    return render_page_or_fragment(
        "reports/links.html",
        "reports/_links.html",
        status=status,
        programme=programme,
        events_page=page,
        form=form,
        attachable_events=queries.attachable_events(programme),
        calls=queries.attached_calls(programme),
        attachable_calls=queries.attachable_calls(programme),
    )


@bp.get("/programmes/<int:programme_id>/links")
@login_required
def programme_links(programme_id: int):
    return _links_page(get_programme_or_404(programme_id, manage=True))


@bp.post("/programmes/<int:programme_id>/links")
@login_required
def change_link(programme_id: int):
    programme = get_programme_or_404(programme_id, manage=True)
    form = LinkForm()
    if not form.validate_on_submit():
        return _links_page(programme, form, status=422)
    change = services.attach if form.action.data == "attach" else services.detach
    try:
        change(current_user, programme, form.kind.data, form.object_id.data)
    except services.ReportError as error:
        form.form_errors.append(error.message)
        return _links_page(programme, form, status=422)
    flash(_("Attached.") if form.action.data == "attach" else _("Detached."), "success")
    return redirect(url_for("reports.programme_links", programme_id=programme.id), code=303)


# -- reports ----------------------------------------------------------------------------------------


def _report_form() -> tuple[ReportFilterForm, queries.ReportFilters | None]:
    form = ReportFilterForm(request.args)
    language = current_language()
    everything = [("", _("All"))]
    form.programme.choices = options(
        everything + [(str(i), name) for i, name in queries.programme_choices(current_user)]
    )
    form.municipality.choices = options(
        everything + [(str(m.id), m.name(language)) for m in queries.municipality_choices(current_user)]
    )
    form.event_type.choices = options(
        everything + [(value, str(label)) for value, label in EventType.choices()]
    )
    form.event.choices = options(
        everything
        + [
            (str(e.id), f"{e.title(language)} · {e.starts_at.date().isoformat()}")
            for e in queries.event_choices(current_user)
        ]
    )
    dimensions = [(d, str(DIMENSION_TITLES[d])) for d in DIMENSIONS]
    form.rows.choices = options(dimensions)
    form.columns.choices = options(dimensions)
    if not form.validate():
        return form, None

    def number(field):
        return int(field.data) if field.data else None

    filters = queries.ReportFilters(
        scope=queries.organiser_scope(current_user),
        programme_id=number(form.programme),
        municipality_id=number(form.municipality),
        event_type=form.event_type.data or None,
        event_id=number(form.event),
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )
    return form, filters


def _cross(form: ReportFilterForm | None) -> tuple[str, str]:
    if form is None:
        return DEFAULT_CROSS
    return (form.rows.data or DEFAULT_CROSS[0], form.columns.data or DEFAULT_CROSS[1])


def _report(filters: queries.ReportFilters, exact: bool, cross: tuple[str, str] = DEFAULT_CROSS):
    queries.tune_for_aggregates()
    people, attendances = queries.report_cubes(filters)
    return build_report(
        people,
        attendances,
        _threshold(),
        exact,
        current_language(),
        cross,
    )


def _filter_details(filters: queries.ReportFilters) -> dict:
    return {
        "programme_id": filters.programme_id,
        "municipality_id": filters.municipality_id,
        "event_type": filters.event_type,
        "event_id": filters.event_id,
        "date_from": filters.date_from,
        "date_to": filters.date_to,
    }


@bp.get("/reports")
@login_required
def show_report():
    if not permissions.can_view_reports(current_user):
        abort(403)
    form, filters = _report_form()
    exact = _wants_exact()
    report = None
    if filters is not None:
        if exact:
            services.record_exact_view(current_user, "report", **_filter_details(filters))
        report = _report(filters, exact, _cross(form))
    query = {key: value for key, value in request.args.items() if key != "exact" and value}
    # htmx swaps only 2xx answers: the fragment with the filters' errors comes back as 200, the
    # page without JavaScript as 422.
    status = 200 if report is not None or is_htmx_fragment_request() else 422
    response = render_page_or_fragment(
        "reports/report.html",
        "reports/_report.html",
        status=status,
        form=form,
        report=report,
        exact=exact,
        query=query,
        hidden_text=hidden_text(_threshold()),
        dimensions=DIMENSIONS,
        can_see_exact=permissions.can_see_exact_figures(current_user),
    )
    return _no_store(response)


def _download(content: bytes, filename: str, mimetype: str):
    response = make_response(content)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _no_store(response)


@bp.get("/reports/export/<table>.<fmt>")
@login_required
def export_report(table: str, fmt: str):
    if not permissions.can_view_reports(current_user):
        abort(403)
    if table not in TABLES or fmt not in ("csv", "xlsx"):
        abort(404)
    form, filters = _report_form()
    if filters is None:
        abort(400)
    exact = _wants_exact()
    if exact:
        services.record_exact_view(current_user, f"export:{table}.{fmt}", **_filter_details(filters))
    title, rows = table_rows(_report(filters, exact, _cross(form)), table)
    name = f"jiwar-{table}{'-exact' if exact else ''}-{date.today().isoformat()}.{fmt}"
    if fmt == "csv":
        return _download(exports.to_csv(rows), name, "text/csv; charset=utf-8")
    rtl = text_direction(current_language()) == "rtl"
    return _download(exports.to_xlsx([(title, rows)], rtl=rtl), name, exports.XLSX_TYPE)


def _targets_sheet(progress: list[TargetProgress], threshold: int) -> list[list]:
    hide = hidden_text(threshold)

    def show(figure):
        return "" if figure is None else (hide if figure.hidden else figure.value)

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


@bp.get("/programmes/<int:programme_id>/donor-report.xlsx")
@login_required
def donor_report(programme_id: int):
    programme = get_programme_or_404(programme_id)
    if not permissions.can_download_donor_report(current_user, programme):
        abort(403)
    period = PeriodForm(request.args)
    if not period.validate():
        abort(400)
    date_from = period.date_from.data or programme.starts_on
    date_to = period.date_to.data or programme.ends_on
    exact = _wants_exact()
    if exact:
        services.record_exact_view(
            current_user, "donor_report", programme, date_from=date_from, date_to=date_to
        )
    threshold = _threshold()
    # The whole programme, as the funder reads it: a donor report is for a programme, not a town.
    filters = queries.ReportFilters(programme_id=programme.id, date_from=date_from, date_to=date_to)
    report = _report(filters, exact)
    heading = [
        [programme.name],
        [_("From %(start)s to %(end)s", start=date_from.isoformat(), end=date_to.isoformat())],
        [],
    ]
    sheets = [
        (
            _("Targets"),
            heading + _targets_sheet(target_progress(programme, exact, date_from, date_to), threshold),
        )
    ]
    sheets += [table_rows(report, table) for table in TABLES]
    name = f"jiwar-donor-report-{programme.id}-{date_from.isoformat()}-{date_to.isoformat()}.xlsx"
    rtl = text_direction(current_language()) == "rtl"
    return _download(exports.to_xlsx(sheets, rtl=rtl), name, exports.XLSX_TYPE)


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


@bp.app_template_filter("report_cross_items")
def report_cross_items(cross) -> list[tuple]:
    """One group of bars per column category (origin), one bar per row category (gender)."""
    keys = [key for key, _label in cross.row_labels]
    return [(label, [cross.cells[(r, key)] for r in keys]) for key, label in cross.column_labels]
