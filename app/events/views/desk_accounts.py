"""Password links at the information desk, for residents who cannot receive messages.

These routes live with the desk (their URLs stay under /accounts/desk) because who a desk serves is
the events domain's rule: the person's home municipality, or where they registered or took part
(app/events/desk_scope.py). Administrators keep their own flow at /admin/people.
"""

from flask import abort, current_app, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.forms import DeskPresenceForm, no_control_characters
from app.accounts.permissions import can_issue_reset_link
from app.accounts.services import AccountError, issue_desk_reset_link, presence_check_kind
from app.accounts.views import reset_link_page
from app.core.htmx import render_page_or_fragment
from app.core.rate_limits import account_or_client
from app.events import queries
from app.events.views import bp
from app.events.views.loaders import personal, require_organiser
from app.extensions import limiter


def get_desk_account_or_404(account_id: int):
    """An account this organiser serves: another desk's resident is a 404 that names nobody; a
    staff account of their own desk a 403 (its links come from an administrator)."""
    require_organiser()
    person = queries.desk_account(current_user, account_id)
    if person is None:
        abort(404)
    if not can_issue_reset_link(current_user, person):
        abort(403)
    return person


@bp.get("/accounts/desk")
@login_required
def desk_accounts():
    require_organiser()
    query = no_control_characters(request.args.get("q", "")).strip()[:100]
    people = queries.desk_accounts(current_user, query)
    response = render_page_or_fragment(
        "accounts/desk_people.html", "accounts/_desk_results.html", people=people, q=query
    )
    return personal(make_response(response))


def _presence_form(person, form=None) -> DeskPresenceForm:
    form = form or DeskPresenceForm()
    if presence_check_kind(person) == "phone_digits":
        form.said.label.text = _("Last 4 digits of their phone number, as the person says them")
    else:
        form.said.label.text = _("Their email address, as the person says it")
    return form


def _account_page(person, form=None, status: int = 200):
    body = render_template(
        "accounts/desk_person.html",
        person=person,
        form=_presence_form(person, form),
        kind=presence_check_kind(person),
    )
    return personal(make_response(body, status))


@bp.get("/accounts/desk/<int:user_id>")
@login_required
def desk_account(user_id: int):
    return _account_page(get_desk_account_or_404(user_id))


def _presence_refused(response) -> bool:
    return response.status_code == 422


@bp.post("/accounts/desk/<int:user_id>/reset-link")
@login_required
@limiter.limit(lambda: current_app.config["JIWAR_DESK_CHECK_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=lambda: "desk-check:" + account_or_client(), deduct_when=_presence_refused)
def desk_reset_link(user_id: int):
    person = get_desk_account_or_404(user_id)
    form = DeskPresenceForm()
    if not form.validate():
        return _account_page(person, form, 422)
    desk = queries.desk_municipality(current_user, person)
    try:
        link = issue_desk_reset_link(current_user._get_current_object(), person, form.said.data, desk)
    except AccountError as failure:
        form.said.errors = [failure.message]
        return _account_page(person, form, 422)
    return personal(make_response(reset_link_page(person, link, url_for("events.desk_accounts"))))
