"""The desk's pages: record a visit (one short form, htmx-enhanced), a visit's referrals and their
outcomes. Views load and scope, validate, call one service, then render or redirect."""

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.core.htmx import is_htmx_fragment_request, render_page_or_fragment
from app.core.i18n import current_language
from app.core.pagination import parse_page
from app.directory import visit_queries as queries
from app.directory import visit_services as services
from app.directory.permissions import can_edit_any
from app.directory.visit_forms import OutcomeForm, VisitForm
from app.directory.visits import ReferralOutcome

bp = Blueprint("desk_visits", __name__)


def _require_desk_staff() -> None:
    if not can_edit_any(current_user):
        abort(403)


def _personal(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _visit_form() -> VisitForm:
    form = VisitForm()
    language = current_language()
    desks = queries.desk_municipalities(current_user)
    form.municipality_id.choices = [(str(m.id), m.name(language)) for m in desks]
    if not form.municipality_id.data and desks:
        form.municipality_id.data = str(desks[0].id)
    services_offered = queries.referable_services([m.id for m in desks])
    form.service_ids.choices = [
        (str(s.id), f"{s.text('name', language)[0]} — {s.municipality.name(language)}")
        for s in services_offered
    ]
    return form


def _render(form: VisitForm, status: int = 200, recorded=None):
    page = queries.recent_visits(current_user, parse_page(request.args.get("page")))
    response = render_page_or_fragment(
        "directory/visits/desk.html",
        "directory/visits/_desk.html",
        status=status,
        form=form,
        page=page,
        recorded=recorded,
    )
    return _personal(response)


@bp.route("/desk/visits", methods=["GET", "POST"])
@login_required
def desk_visits():
    _require_desk_staff()
    form = _visit_form()
    if request.method == "POST":
        if form.validate():
            try:
                visit = services.record_visit(current_user, form.to_data())
            except services.VisitError as error:
                form.show_refusal(error)
            else:
                if is_htmx_fragment_request():  # the next visit's empty form, the same desk chosen
                    fresh = _visit_form()
                    fresh.municipality_id.data = str(visit.municipality_id)
                    for name in ("topics", "service_ids", "card_code", "gender", "age_band", "origin"):
                        getattr(fresh, name).data = None
                    return _render(fresh, recorded=visit)
                count = len(visit.referrals)
                recorded = ngettext("The visit is recorded (%(count)s referral).",
                                    "The visit is recorded (%(count)s referrals).", count, count=count)
                flash(recorded, "success")
                return redirect(url_for("desk_visits.desk_visits"), code=303)
        # htmx swaps no 4xx answer: its fragment comes back 200 so the desk sees the message in place.
        return _render(form, 200 if is_htmx_fragment_request() else 422)
    return _render(form)


def _visit_or_404(visit_id: int):
    _require_desk_staff()
    visit = queries.visit_for(current_user, visit_id)
    if visit is None:
        abort(404)
    return visit


@bp.get("/desk/visits/<int:visit_id>")
@login_required
def visit(visit_id: int):
    visit = _visit_or_404(visit_id)
    body = render_template(
        "directory/visits/visit.html", visit=visit, form=OutcomeForm(), ReferralOutcome=ReferralOutcome
    )
    return _personal(make_response(body))


@bp.post("/desk/referrals/<int:referral_id>/outcome")
@login_required
def referral_outcome(referral_id: int):
    _require_desk_staff()
    referral = queries.referral_for(current_user, referral_id)
    if referral is None:
        abort(404)
    form = OutcomeForm()
    target = url_for("desk_visits.visit", visit_id=referral.visit_id)
    if not form.validate():
        flash(_("Choose what came of the referral."), "error")
        return redirect(target, code=303)
    try:
        services.set_referral_outcome(current_user, referral.id, form.outcome.data or "")
    except services.VisitError as error:
        flash(error.message, "error")
        return redirect(target, code=303)
    flash(_("The outcome is saved."), "success")
    return redirect(target, code=303)
