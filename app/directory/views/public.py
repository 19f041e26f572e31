"""Public pages: the list with its search and filters, an entry, the brochure, the HSDS export and
the service worker. None reads the session beyond the language or writes a cookie: no CSRF token,
nothing about the visitor, so they are public pages (app/core/http_cache.py: ETag, s-maxage, 304)."""


from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.queries import municipalities
from app.core import offline
from app.core.http_cache import public_page
from app.core.i18n import current_language
from app.core.pagination import parse_page
from app.core.rate_limits import limit_creations
from app.directory import queries, services
from app.directory.errors import DirectoryError
from app.directory.forms import ReportForm
from app.directory.needs import Need
from app.directory.views import bp


@bp.get("/directory/")
@public_page
def list_services():
    filters = queries.parse_filters(request.args)
    language = current_language()
    places = municipalities()
    page = queries.public_services(filters, parse_page(request.args.get("page")), language, places)
    return render_template(
        "directory/list.html",
        results=page,
        filters=filters,
        needs=list(Need),
        municipalities=places,
    )


def _public_service_or_404(service_id: int):
    service = queries.public_service(service_id)
    if service is None:  # staff-only and retired entries are not public: the same 404 as none
        abort(404)
    return service


@bp.get("/directory/<int:service_id>")
@public_page
def show_service(service_id: int):
    service = _public_service_or_404(service_id)
    return render_template("directory/service.html", service=service, staff_view=False)


@bp.get("/directory/brochure")
@public_page
def brochure():
    places = municipalities()
    slug = request.args.get("municipality", "")
    need = request.args.get("need", "")
    paper = "a5" if request.args.get("paper") == "a5" else "a4"
    municipality = next((m for m in places if m.slug == slug), None)
    need = need if need in set(Need) else ""
    services = queries.brochure_services(municipality, need, current_language()) if municipality else []
    return render_template(
        "directory/brochure.html",
        municipalities=places,
        municipality=municipality,
        need=Need(need) if need else None,
        needs=list(Need),
        paper=paper,
        services=services,
    )


@bp.get("/directory/offline.js")
def service_worker():
    """Served under /directory/ so that its scope covers the directory pages and nothing else."""
    return offline.service_worker("directory-sw.js")


@bp.route("/directory/<int:service_id>/report", methods=["GET", "POST"])
@login_required
@limit_creations("JIWAR_REPORT_LIMIT_PER_ACCOUNT", scope="report")
def report_service(service_id: int):
    service = _public_service_or_404(service_id)
    form = ReportForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.report_service(current_user, service, form.reason.data)
            except DirectoryError as error:
                form.reason.errors = [error.message]
            else:
                flash(_("Thank you: the municipality's team will check the entry."), "success")
                return redirect(url_for("directory.show_service", service_id=service.id), 303)
        status = 422
    return render_template("directory/report_form.html", service=service, form=form), status
