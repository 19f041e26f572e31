"""Programmes, their targets, and the events and calls attached to them."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.htmx import render_page_or_fragment
from app.core.http_cache import public_page
from app.core.i18n import current_language
from app.core.pagination import parse_page
from app.core.translated import form_values
from app.programmes.models import Programme
from app.reports import permissions, queries, services
from app.reports.breakdowns import hidden_text
from app.reports.forms import LinkForm, PeriodForm, ProgrammeForm, TargetForm, options
from app.reports.models import Target
from app.reports.progress import target_progress
from app.reports.protected import disclosure_threshold, protected_sex_age
from app.reports.views import (
    bp,
    get_programme_or_404,
    get_target_or_404,
    no_store,
    wants_exact_figures,
)

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
        "name": form_values(form, "name"),
        "description": form_values(form, "description"),
        "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data,
        "municipality_ids": form.municipality_ids.data,
        "is_public": form.is_public.data,
        "age_bands": form.age_bands.data or "",
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


def _period_form() -> PeriodForm:
    """The donor report's dates, as a link may have given them: said beside them when they do not read."""
    form = PeriodForm(request.args)
    if request.args.get("date_from") or request.args.get("date_to"):
        form.validate()
    return form


@bp.get("/programmes/<int:programme_id>")
@public_page
def show_programme(programme_id: int):
    exact = wants_exact_figures()
    programme = get_programme_or_404(programme_id)
    if exact:
        services.record_exact_view(current_user, "programme", programme)
    html = render_template(
        "reports/programme.html",
        programme=programme,
        progress=target_progress(programme, exact, disclosure_threshold()),
        # The whole programme, as its targets: the page is public and the same for every reader.
        sex_age=protected_sex_age(
            queries.ReportFilters(programme_id=programme.id), exact, programme.age_bands
        ),
        exact=exact,
        threshold=disclosure_threshold(),
        hidden_text=hidden_text(disclosure_threshold()),
        can_manage=permissions.can_manage_programmes(current_user),
        can_report=permissions.can_download_donor_report(current_user, programme),
        can_see_exact=permissions.can_see_exact_figures(current_user),
        period_form=_period_form(),
    )
    response = make_response(html)
    return no_store(response) if exact else response


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
