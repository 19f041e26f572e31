"""The municipality's work on its directory: entries (staff-only ones too), their reports, create,
edit, verify, retire (asked once more), and the HSDS exchange page. Every page here is signed in, so
app/core/security.py marks it no-store."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app.accounts.models import Role
from app.accounts.municipalities import municipalities_for
from app.core.i18n import current_language
from app.core.pagination import parse_page
from app.directory import hours, permissions, queries, services
from app.directory.errors import DirectoryError
from app.directory.forms import ConfirmForm, ServiceForm
from app.directory.models import LANGUAGES, Service, ServiceReport
from app.directory.views import bp
from app.extensions import db


def _require_editor():
    if not permissions.can_edit_any(current_user):
        abort(403)


def _my_municipality_ids() -> list[int] | None:
    return None if current_user.is_admin else list(current_user.municipality_ids(Role.ORGANISER))


def get_service_or_404(service_id: int) -> Service:
    """An entry of a municipality the person edits; any other, or none: the same 404."""
    service = db.session.get(Service, service_id)
    if service is None or not permissions.can_edit_service(current_user, service):
        abort(404)
    return service


@bp.get("/manage/directory/")
@login_required
def manage_services():
    _require_editor()
    ids = _my_municipality_ids()
    q = (request.args.get("q") or "").strip()[:100]
    page = queries.managed_services(ids, parse_page(request.args.get("page")), current_language(), q)
    return render_template(
        "directory/manage/list.html",
        results=page,
        q=q,
        reports=queries.open_reports(ids),
        report_counts=queries.report_counts([s.id for s in page.items]),
        confirm=ConfirmForm(),
    )


@bp.get("/manage/directory/<int:service_id>")
@login_required
def staff_service(service_id: int):
    service = get_service_or_404(service_id)
    return render_template("directory/service.html", service=service, staff_view=True, confirm=ConfirmForm())


def _municipality_choices():
    language = current_language()
    return [SelectChoice(m.id, m.name(language)) for m in municipalities_for(current_user, Role.ORGANISER)]


def _fill_form(form: ServiceForm, service: Service) -> None:
    for name in ("municipality_id", "provider_name", "provider_kind", "latitude", "longitude",
                 "walk_in", "by_appointment", "by_referral", "hotline", "no_documents_needed", "is_free",
                 "phone", "whatsapp", "sensitivity"):
        getattr(form, name).data = getattr(service, name)
    for name in ("name", "description", "eligibility", "address", "cost_note"):
        for code in LANGUAGES:
            getattr(form, f"{name}_{code}").data = getattr(service, f"{name}_{code}")
    form.needs.data = service.need_values
    form.languages.data = ", ".join(service.language_codes)
    texts = hours.weekly_text(service)
    for day in range(7):
        getattr(form, f"hours_{day}").data = texts.get(day, "")
    form.exceptions.data = "\n".join(exception.text() for exception in hours.exceptions_of(service))


def _form_page(form: ServiceForm, service: Service | None):
    """Create or edit: the one check in services, its error put on the field it names, what was typed kept."""
    form.municipality_id.choices = _municipality_choices()
    if service is not None and request.method == "GET":
        _fill_form(form, service)
        form.seen.data = services.saved_at(service)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            data = form.data_for()
            errors = services.problems(data)[0]  # every broken rule at once, each on its field
            if not errors:
                try:
                    if service is None:
                        saved = services.create_service(current_user, data)
                        flash(_("The entry is in the directory."), "success")
                    else:
                        saved = services.update_service(current_user, service, data, form.seen.data or "")
                        flash(_("The entry is saved."), "success")
                except DirectoryError as error:
                    db.session.rollback()
                    errors = [error]
                    if error.code == "stale":  # saving again is now a conscious choice
                        form.seen.data = services.saved_at(get_service_or_404(service.id))
                else:
                    return redirect(url_for("directory.staff_service", service_id=saved.id), 303)
            for problem in errors:
                target = getattr(form, problem.field or "", None)
                if target is not None:
                    target.errors = [*target.errors, problem.message]
                else:
                    form.form_errors.append(problem.message)
        status = 422
    return render_template("directory/manage/form.html", form=form, service=service), status


@bp.route("/manage/directory/new", methods=["GET", "POST"])
@login_required
def create_service():
    _require_editor()
    return _form_page(ServiceForm(), None)


@bp.route("/manage/directory/<int:service_id>/edit", methods=["GET", "POST"])
@login_required
def edit_service(service_id: int):
    service = get_service_or_404(service_id)
    return _form_page(ServiceForm(), service)


@bp.post("/manage/directory/<int:service_id>/verify")
@login_required
def verify_service(service_id: int):
    service = get_service_or_404(service_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.verify_service(current_user, service)
    except DirectoryError as error:
        flash(error.message, "error")
        return redirect(url_for("directory.staff_service", service_id=service.id), 303)
    flash(_("Marked as verified today by you."), "success")
    return redirect(url_for("directory.staff_service", service_id=service.id), 303)


@bp.route("/manage/directory/<int:service_id>/retire", methods=["GET", "POST"])
@login_required
def retire_service(service_id: int):
    """Asks once more: the entry leaves the public pages, brochures and exports for good."""
    service = get_service_or_404(service_id)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            services.retire_service(current_user, service)
        except DirectoryError as error:
            flash(error.message, "error")
        else:
            flash(_("The entry is retired."), "success")
        return redirect(url_for("directory.manage_services"), 303)
    return render_template("directory/manage/retire.html", service=service, form=form)


@bp.post("/manage/directory/reports/<int:report_id>/resolve")
@login_required
def resolve_report(report_id: int):
    report = db.session.get(ServiceReport, report_id)
    if report is None or not permissions.can_edit_service(current_user, report.service):
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.resolve_report(current_user, report)
    flash(_("The report is marked as dealt with."), "success")
    return redirect(url_for("directory.manage_services"), 303)
