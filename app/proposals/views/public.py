"""Public pages (calls, proposals, results) and what a signed-in resident does: propose, support,
comment, report."""

from flask import (
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.confirmation import confirmed_required
from app.core.htmx import is_htmx_fragment_request, redirect_whole_page, render_page_or_fragment
from app.core.http_cache import public_page
from app.core.pagination import parse_page
from app.core.rate_limits import limit_creations
from app.core.urls import parse_id, safe_next_path
from app.proposals import permissions, queries, services
from app.proposals.errors import ProposalError
from app.proposals.forms import AssistedProposalForm, CommentForm, ProposalForm, ReportForm, SupportForm
from app.proposals.models import Channel, Phase, ProposalStatus
from app.proposals.photos import load_photo, read_photo
from app.proposals.views import bp
from app.proposals.views.loaders import (
    flash_error,
    get_call_or_404,
    get_comment_or_404,
    get_proposal_or_404,
    no_store,
    random_seed,
)


@bp.get("/calls")
@public_page
def list_calls():
    calls = queries.calls_for_public()
    past = [c for c in calls if c.current_phase == Phase.RESULTS]
    current = [c for c in calls if c.current_phase != Phase.RESULTS]
    return render_template("proposals/calls.html", current=current, past=past)


@bp.get("/calls/<int:call_id>")
@public_page
def show_call(call_id: int):
    filters = queries.parse_filters(request.args)
    page_number = parse_page(request.args.get("page"))
    # The random order is the visitor's own shuffle, kept in their session: that page is theirs alone.
    seed = random_seed() if filters.sort == "random" else (1, 0)
    template = "proposals/_proposal_list.html" if is_htmx_fragment_request() else "proposals/call.html"
    call = get_call_or_404(call_id)
    page = queries.public_proposals(call, filters, page_number, seed)
    html = render_template(
        template,
        call=call,
        results=page,
        filters=filters,
        supported=queries.supported_ids(current_user, [p.id for p in page.items]),
        statuses=list(ProposalStatus),
        used=queries.supports_used(current_user, call),
        can_assist=permissions.can_assist(current_user, call),
        can_manage=permissions.can_manage_call(current_user, call),
        next_url=request.full_path,
    )
    response = make_response(html)
    response.vary.add("HX-Request")
    return response


@bp.get("/calls/<int:call_id>/results")
@public_page
def call_results(call_id: int):
    call = get_call_or_404(call_id)
    return render_template(
        "proposals/results.html",
        call=call,
        summary=queries.results_summary(call),
        accepted=queries.accepted_proposals(call),
        channels=Channel,
    )


def _proposal_data(form, photo_bytes):
    return services.ProposalData(
        title=form.title.data,
        description=form.description.data,
        category_id=form.category_id.data,
        place=form.place.data or "",
        estimated_cost=form.estimated_cost.data,
        photo=photo_bytes,
    )


def _read_photo(form) -> bytes | None:
    """The re-encoded photo, or None; a bad file becomes an error on the photo field."""
    upload = form.photo.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    try:
        return read_photo(upload)
    except ProposalError as error:
        form.photo.errors = [*form.photo.errors, error.message]
        return None


@bp.route("/calls/<int:call_id>/propose", methods=["GET", "POST"])
@login_required
@confirmed_required
@limit_creations("JIWAR_PROPOSAL_LIMIT_PER_ACCOUNT", scope="proposal")
def submit_proposal(call_id: int):
    call = get_call_or_404(call_id)
    return _submission_page(call, ProposalForm(), assisted=False)


@bp.route("/calls/<int:call_id>/assisted", methods=["GET", "POST"])
@login_required
@limit_creations("JIWAR_DESK_LIMIT_PER_ACCOUNT", scope="desk")
def submit_assisted(call_id: int):
    call = get_call_or_404(call_id)
    if not permissions.can_assist(current_user, call):
        abort(403)
    return _submission_page(call, AssistedProposalForm(), assisted=True)


def _submission_page(call, form, assisted: bool):
    """A resident's own proposal, or one an organiser enters for someone: the same phase rule,
    validation and photo check, then one service call."""
    form.set_categories(call)
    status = 200
    if not permissions.can_submit_to(call):
        flash(_("Proposals can only be submitted during the submission phase."), "error")
        status = 409 if request.method == "POST" else 200
    elif form.validate_on_submit():
        photo = _read_photo(form)
        if not form.photo.errors:
            author, assistance = (None, _assistance(form)) if assisted else (current_user, None)
            try:
                proposal = services.submit_proposal(call, author, _proposal_data(form, photo), assistance)
            except ProposalError as error:
                _show_refusal(form, error)
            else:
                if assisted:
                    flash(_("The proposal is recorded."), "success")
                else:
                    flash(_("Your proposal is published. Thank you!"), "success")
                return _to_proposal(proposal)
        status = 422
    elif request.method == "POST":
        status = 422
    if assisted and is_htmx_fragment_request():
        # The desk form posts itself with htmx: its errors come back as the form alone, with a 200
        # because htmx 2 does not swap a 4xx.
        response = make_response(render_template(
            "proposals/_proposal_form.html", form=form, call=call, proposal=None, assisted=True, fragment=True
        ))
        response.vary.add("HX-Request")
        return response
    return render_template(
        "proposals/proposal_form.html", form=form, call=call, proposal=None, assisted=assisted
    ), status


_MEMBER_FIELDS = {"member_card": "member_codes", "member_other_municipality": "member_codes",
                  "members": "member_codes", "members_without_card": "members_without_card"}


def _show_refusal(form, error: ProposalError) -> None:
    """A refusal about the group's members sits under its field; the rest is flashed."""
    name = _MEMBER_FIELDS.get(error.code)
    if name is None:
        flash_error(error)
        return
    field = getattr(form, name)
    field.errors = [*field.errors, error.message]


def _to_proposal(proposal):
    """After a submission: the proposal's page (htmx is told to load it, not to swap it into the form)."""
    return redirect_whole_page(url_for("proposals.show_proposal", proposal_id=proposal.id))


def _assistance(form) -> services.Assistance:
    return services.Assistance(
        channel=form.channel.data,
        entered_by=current_user,
        card_code=form.card_code.data or None,
        consent=form.consent.data,
        group_name=form.group_name.data or None,
        member_codes=form.member_codes.data or None,
        members_without_card=form.members_without_card.data or 0,
    )


@bp.get("/proposals/<int:proposal_id>")
@public_page
def show_proposal(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id)
    # A form makes its CSRF token (and writes the session) when built: only those who can comment get
    # one, so the page stays the same bytes for every anonymous visitor (app/core/http_cache.py).
    form = CommentForm(formdata=None) if current_user.is_authenticated else None
    return _proposal_page(proposal, form)


def _proposal_page(proposal, comment_form) -> str:
    return render_template(
        "proposals/proposal.html",
        proposal=proposal,
        call=proposal.call,
        threads=queries.visible_threads(proposal, parse_page(request.args.get("page"))),
        supported=queries.supported_ids(current_user, [proposal.id]),
        used=queries.supports_used(current_user, proposal.call),
        comment_form=comment_form,
        can_edit=permissions.can_edit_proposal(current_user, proposal),
        can_withdraw=permissions.can_withdraw_proposal(current_user, proposal),
        can_moderate=permissions.can_moderate(current_user, proposal),
        next_url=request.path,
    )


@bp.get("/proposals/<int:proposal_id>/photo")
def proposal_photo(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id)
    if not proposal.photo_name:
        abort(404)
    # Re-encoded photos are small: read whole, so no file handle or bucket stream outlives the request.
    photo = load_photo(proposal.photo_name)
    if photo is None:
        abort(404)
    response = Response(photo, mimetype="image/jpeg")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "public, max-age=3600" if not proposal.is_hidden else "no-store"
    return response


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit_proposal(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id)
    if not permissions.is_author(current_user, proposal):
        abort(403)
    form = ProposalForm(obj=proposal if request.method == "GET" else None)
    form.set_categories(proposal.call)
    status = 200
    if not permissions.can_edit_proposal(current_user, proposal):
        flash(
            _("This proposal can no longer be changed: it has supports or the submission phase is over."),
            "error",
        )
        if request.method == "POST":
            return redirect(url_for("proposals.show_proposal", proposal_id=proposal.id), code=303)
    elif form.validate_on_submit():
        photo = _read_photo(form)
        if not form.photo.errors:
            try:
                services.edit_proposal(
                    proposal, current_user, _proposal_data(form, photo), remove_photo=form.remove_photo.data
                )
            except ProposalError as error:
                flash_error(error)
            else:
                flash(_("Your changes are saved."), "success")
                return redirect(url_for("proposals.show_proposal", proposal_id=proposal.id), code=303)
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template(
        "proposals/proposal_form.html", form=form, call=proposal.call, proposal=proposal, assisted=False
    ), status


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw_proposal(proposal_id: int):
    """Asks once more (withdrawing cannot be undone), then withdraws."""
    proposal = get_proposal_or_404(proposal_id)
    if not permissions.is_author(current_user, proposal):
        abort(403)
    form = SupportForm()
    if request.method == "POST" and request.form.get("confirmed") == "1" and form.validate_on_submit():
        try:
            services.withdraw_proposal(proposal, current_user)
        except ProposalError as error:
            flash_error(error)
        else:
            flash(_("Your proposal is withdrawn."), "success")
        return redirect(url_for("proposals.show_proposal", proposal_id=proposal_id), code=303)
    if not permissions.can_withdraw_proposal(current_user, proposal):
        message = _("Only its author can withdraw a proposal, and only before the municipality answers.")
        flash(message, "error")
        return redirect(url_for("proposals.show_proposal", proposal_id=proposal_id), code=303)
    return render_template("proposals/withdraw.html", proposal=proposal)


def _support_response(proposal_id: int, action):
    proposal = get_proposal_or_404(proposal_id)
    error = None
    if SupportForm().validate_on_submit():
        try:
            proposal = action(proposal, current_user)
        except ProposalError as failure:
            error = failure.message
    else:
        error = _("The form has expired. Please reload the page and try again.")
    if is_htmx_fragment_request():
        # From a list, the other cards come along (htmx out-of-band swaps): their "used N of 3" and
        # their Support buttons change with this one.
        shown = queries.parse_ids(request.form.get("shown"))
        others = [p for p in queries.listed_proposals(proposal.call, shown) if p.id != proposal.id]
        response = render_page_or_fragment(
            "proposals/_support_answer.html",
            "proposals/_support_answer.html",
            proposal=proposal,
            others=others,
            call=proposal.call,
            supported=queries.supported_ids(current_user, [proposal.id, *(p.id for p in others)]),
            used=queries.supports_used(current_user, proposal.call),
            error=error,
            shown=",".join(str(number) for number in shown),
            next_url=safe_next_path(request.form.get("next")),
        )
        return no_store(response)
    if error:
        flash(error, "error")
    next_url = safe_next_path(request.form.get("next"), "proposals.list_calls")
    return redirect(next_url, code=303)


@bp.post("/proposals/<int:proposal_id>/support")
@login_required
@confirmed_required
def support_proposal(proposal_id: int):
    return _support_response(proposal_id, services.support_proposal)


@bp.post("/proposals/<int:proposal_id>/unsupport")
@login_required
def withdraw_support(proposal_id: int):
    return _support_response(proposal_id, services.withdraw_support)


@bp.post("/proposals/<int:proposal_id>/comments")
@login_required
@limit_creations("JIWAR_COMMENT_LIMIT_PER_ACCOUNT", scope="comment")
def add_comment(proposal_id: int):
    proposal = get_proposal_or_404(proposal_id)
    form = CommentForm()
    if form.validate_on_submit():
        parent_id = parse_id(form.parent_id.data)
        try:
            comment = services.add_comment(proposal, current_user, form.body.data, parent_id)
        except ProposalError as error:
            flash_error(error)
        else:
            flash(_("Your comment is published."), "success")
            page = queries.comment_page(comment)
            return redirect(
                url_for("proposals.show_proposal", proposal_id=proposal.id, page=page if page > 1 else None,
                        _anchor=f"comment-{comment.id}"),
                code=303,
            )
    return _proposal_page(proposal, form), 422


def _report(target_kind: str, proposal, comment=None):
    form = ReportForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.report_abuse(
                current_user, form.reason.data, proposal=None if comment else proposal, comment=comment
            )
        except ProposalError as error:
            flash_error(error)
        else:
            flash(_("Thank you. The moderators will look at your report."), "success")
            return redirect(url_for("proposals.show_proposal", proposal_id=proposal.id), code=303)
    if request.method == "POST":
        status = 422
    return render_template(
        "proposals/report_form.html", form=form, proposal=proposal, comment=comment, target_kind=target_kind
    ), status


@bp.route("/proposals/<int:proposal_id>/report", methods=["GET", "POST"])
@login_required
@limit_creations("JIWAR_REPORT_LIMIT_PER_ACCOUNT", scope="abuse-report")
def report_proposal(proposal_id: int):
    return _report("proposal", get_proposal_or_404(proposal_id))


@bp.route("/comments/<int:comment_id>/report", methods=["GET", "POST"])
@login_required
@limit_creations("JIWAR_REPORT_LIMIT_PER_ACCOUNT", scope="abuse-report")
def report_comment(comment_id: int):
    comment = get_comment_or_404(comment_id)
    return _report("comment", get_proposal_or_404(comment.proposal_id), comment)


@bp.get("/me/proposals")
@login_required
def my_proposals():
    page = render_template("proposals/my_proposals.html", proposals=queries.my_proposals(current_user))
    return no_store(make_response(page))
