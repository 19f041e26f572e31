"""The municipality's work: opening calls, the review queue, answers, and moderation."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app.accounts.models import Municipality, Role
from app.accounts.municipalities import municipalities_for
from app.core.htmx import render_page_or_fragment
from app.core.i18n import current_language
from app.core.pagination import parse_page
from app.core.time import to_zone
from app.core.translated import form_values, values_of
from app.extensions import db
from app.programmes.covers import all_programmes
from app.proposals import permissions, queries, services
from app.proposals.errors import ProposalError
from app.proposals.forms import AnswerForm, CallForm, ModerationForm, SupportForm
from app.proposals.models import ProposalStatus
from app.proposals.views import bp
from app.proposals.views.loaders import (
    flash_error,
    get_call_or_404,
    get_comment_or_404,
    get_proposal_or_404,
    get_report_or_404,
    no_store,
)


def _require_manager():
    if not permissions.can_manage_any_call(current_user):
        abort(403)


@bp.get("/manage/calls")
@login_required
def manage_calls():
    _require_manager()
    return render_template("proposals/manage/calls.html", calls=queries.calls_for_manager(current_user))


def _municipality_choices():
    language = current_language()
    return [SelectChoice(m.id, m.name(language)) for m in municipalities_for(current_user, Role.REVIEWER)]


def _programme_choices():
    programmes = all_programmes()
    return [SelectChoice(0, "—")] + [SelectChoice(p.id, p.name) for p in programmes]


def _call_form(call=None) -> CallForm:
    form = CallForm(obj=call if request.method == "GET" else None)
    form.municipality_id.choices = _municipality_choices()
    form.programme_id.choices = _programme_choices()
    if call is not None and request.method == "GET":
        form.show_categories(call.categories)
        form.programme_id.data = call.programme_id or 0
        for name in CallForm.PHASE_FIELDS:  # shown in the municipality's own time
            getattr(form, name).data = to_zone(getattr(call, name), call.zone).replace(tzinfo=None)
    return form


def _call_data(form: CallForm) -> services.CallData:
    municipality = db.session.get(Municipality, form.municipality_id.data)
    zone = ZoneInfo(municipality.timezone)

    def aware(value: datetime) -> datetime:
        return value.replace(tzinfo=zone)

    return services.CallData(
        municipality_id=municipality.id,
        title=form_values(form, "title"),
        description=form_values(form, "description"),
        categories=form.category_names(),
        **{name: aware(getattr(form, name).data) for name in CallForm.PHASE_FIELDS},
        support_cap=form.support_cap.data,
        programme_id=form.programme_id.data or None,
    )


@bp.route("/manage/calls/new", methods=["GET", "POST"])
@login_required
def create_call():
    _require_manager()
    form = _call_form()
    if form.validate_on_submit():
        try:
            call = services.create_call(current_user, _call_data(form))
        except ProposalError as error:
            flash_error(error)
        else:
            flash(_("The call is open on its dates."), "success")
            return redirect(url_for("proposals.show_call", call_id=call.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("proposals/manage/call_form.html", form=form, call=None), status


@bp.route("/manage/calls/<int:call_id>/edit", methods=["GET", "POST"])
@login_required
def edit_call(call_id: int):
    call = get_call_or_404(call_id, manage=True)
    form = _call_form(call)
    if form.validate_on_submit():
        try:
            services.update_call(current_user, call, _call_data(form))
        except ProposalError as error:
            flash_error(error)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("proposals.show_call", call_id=call.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("proposals/manage/call_form.html", form=form, call=call), status


@bp.get("/manage/calls/<int:call_id>/review")
@login_required
def review_queue(call_id: int):
    call = get_call_or_404(call_id, manage=True)
    filters = queries.parse_filters(request.args, sorts=queries.QUEUE_SORTS)
    page = queries.review_queue(call, filters, parse_page(request.args.get("page")))
    response = render_page_or_fragment(
        "proposals/manage/review_queue.html",
        "proposals/manage/_queue.html",
        call=call,
        results=page,
        filters=filters,
        statuses=list(ProposalStatus),
    )
    return no_store(response)


@bp.route("/manage/proposals/<int:proposal_id>/answer", methods=["GET", "POST"])
@login_required
def answer_proposal(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id, manage=True)
    form = AnswerForm(
        data={"status": None, **values_of(proposal, "answer_text", prefixed=True)}
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        try:
            answer = form_values(form, "answer_text")
            services.answer_proposal(proposal, current_user, form.status.data, answer)
        except ProposalError as error:
            if error.code == "reason":
                form.answer_text_fr.errors = [*form.answer_text_fr.errors, error.message]
            flash_error(error)
        else:
            flash(_("The answer is published."), "success")
            return redirect(url_for("proposals.review_queue", call_id=proposal.call_id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "proposals/manage/answer.html", form=form, proposal=proposal, call=proposal.call
    ), status


@bp.get("/manage/moderation")
@login_required
def moderation_queue():
    _require_manager()
    proposals, comments = queries.hidden_content(current_user)
    page = render_template(
        "proposals/manage/moderation.html",
        reports=queries.open_reports(current_user),
        hidden_proposals=proposals,
        hidden_comments=comments,
        form=ModerationForm(formdata=None),
    )
    return no_store(make_response(page))


def _moderate(target, proposal):
    if not permissions.can_moderate(current_user, proposal):
        abort(403)
    form = ModerationForm()
    hide = request.form.get("action") != "restore"
    if form.validate_on_submit():
        try:
            services.moderate(current_user, target, hide, form.reason.data)
        except ProposalError as error:
            flash_error(error)
        else:
            flash(_("The content is hidden.") if hide else _("The content is visible again."), "success")
    else:
        flash(_("Give the reason, it is kept with the decision."), "error")
    return redirect(url_for("proposals.moderation_queue"), code=303)


@bp.post("/manage/moderation/proposals/<int:proposal_id>")
@login_required
def moderate_proposal(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id)
    return _moderate(proposal, proposal)


@bp.post("/manage/moderation/comments/<int:comment_id>")
@login_required
def moderate_comment(comment_id: int):
    comment = get_comment_or_404(comment_id)
    return _moderate(comment, get_proposal_or_404(comment.proposal_id))


@bp.post("/manage/reports/<int:report_id>/dismiss")
@login_required
def dismiss_report(report_id: int):
    report = get_report_or_404(report_id)
    if SupportForm().validate_on_submit():
        try:
            services.dismiss_report(current_user, report)
        except ProposalError as error:
            if error.code == "forbidden":
                abort(403)
            flash_error(error)
        else:
            flash(_("The report is dismissed."), "success")
    return redirect(url_for("proposals.moderation_queue"), code=303)
