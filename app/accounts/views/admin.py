"""Administrators (people, roles, the audit log) and organisers at the information desk."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import queries, services
from app.accounts.audit_actions import action_label
from app.accounts.forms import AuditFilterForm, GrantRoleForm, chosen_municipality, no_control_characters
from app.accounts.models import Role, RoleAssignment, User
from app.accounts.permissions import can_issue_reset_link
from app.accounts.services import AccountError
from app.accounts.views import admin_required, bp, current_person, get_person_or_404, reset_link_page
from app.core.htmx import render_page_or_fragment
from app.core.i18n import current_language
from app.core.pagination import parse_page
from app.extensions import db

# -- Administrators: people and roles -----------------------------------------------------------


@bp.get("/admin/people")
@admin_required
def admin_people():
    query = no_control_characters(request.args.get("q", "")).strip()[:100]
    people = queries.search_people(query, parse_page(request.args.get("page")),
                                   current_app.config["JIWAR_PAGE_SIZE"])
    return render_page_or_fragment(
        "accounts/admin_people.html", "accounts/_people_results.html", people=people, q=query
    )


def _admin_person_page(person: User, grant_form=None, status=200):
    return render_template(
        "accounts/admin_person.html",
        person=person,
        grant_form=grant_form or GrantRoleForm(language=current_language()),
        can_issue_link=can_issue_reset_link(current_user, person),
    ), status


@bp.get("/admin/people/<int:user_id>")
@admin_required
def admin_person(user_id: int):
    return _admin_person_page(get_person_or_404(user_id))


@bp.post("/admin/people/<int:user_id>/roles")
@admin_required
def grant_role(user_id: int):
    person = get_person_or_404(user_id)
    form = GrantRoleForm(language=current_language())
    if not form.validate_on_submit():
        return _admin_person_page(person, grant_form=form)
    try:
        services.grant_role(
            current_person(), person, Role(form.role.data), chosen_municipality(form.municipality)
        )
    except AccountError as failure:
        flash(failure.message, "error")
        return redirect(url_for("accounts.admin_person", user_id=person.id), code=303)
    flash(_("The role is granted."), "success")
    return redirect(url_for("accounts.admin_person", user_id=person.id), code=303)


@bp.post("/admin/people/<int:user_id>/roles/<int:assignment_id>/withdraw")
@admin_required
def withdraw_role(user_id: int, assignment_id: int):
    person = get_person_or_404(user_id)
    assignment = db.session.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.user_id != person.id:
        abort(404)
    services.withdraw_role(current_person(), assignment)
    flash(_("The role is withdrawn."), "success")
    return redirect(url_for("accounts.admin_person", user_id=person.id), code=303)


def _set_disabled(user_id: int, disabled: bool):
    person = get_person_or_404(user_id)
    try:
        services.set_disabled(current_person(), person, disabled)
    except AccountError as failure:
        flash(failure.message, "error")
    else:
        flash(_("The account is disabled: its sessions have ended.") if disabled
              else _("The account is enabled again."), "success")
    return redirect(url_for("accounts.admin_person", user_id=person.id), code=303)


@bp.post("/admin/people/<int:user_id>/disable")
@admin_required
def disable_account(user_id: int):
    return _set_disabled(user_id, True)


@bp.post("/admin/people/<int:user_id>/enable")
@admin_required
def enable_account(user_id: int):
    return _set_disabled(user_id, False)


@bp.post("/admin/people/<int:user_id>/reset-link")
@admin_required
def admin_reset_link(user_id: int):
    person = get_person_or_404(user_id)
    try:
        link = services.issue_reset_link(current_person(), person)
    except AccountError as failure:
        flash(failure.message, "error")
        return redirect(url_for("accounts.admin_person", user_id=person.id), code=303)
    return reset_link_page(person, link, url_for("accounts.admin_person", user_id=person.id))


# -- Organisers at the information desk: app/events/views/desk_accounts.py (who a desk serves is
# the events domain's rule: where the person registered or took part).


# -- Administrators: the audit log ----------------------------------------------------------------


@bp.get("/admin/audit")
@admin_required
def audit_log():
    form = AuditFilterForm(formdata=request.args)
    form.validate()
    # A filter that does not read is left out (and said so next to it); the others still apply.
    action = form.action.data if not form.action.errors else None
    since = form.since.data if not form.since.errors else None
    until = form.until.data if not form.until.errors else None
    person = current_person()
    zone = person.municipality.timezone if person.municipality else "UTC"
    entries = queries.audit_entries(action, since, until, zone, parse_page(request.args.get("page")),
                                    current_app.config["JIWAR_PAGE_SIZE"])
    args = {key: request.args[key][:20] for key in ("action", "since", "until") if request.args.get(key)}
    return render_template("accounts/audit_log.html", form=form, entries=entries, zone=zone, args=args,
                           action_label=action_label)
