"""Organisers' pages for repeating sessions: add a rule, change one occurrence or all that follow."""

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.time import to_zone
from app.events import queries
from app.events.errors import EventError
from app.events.permissions import can_manage_event, works_in_municipality
from app.events.recurrence_forms import FOLLOWING, OccurrenceForm, SessionRuleForm
from app.events.services import recurrence as services
from app.events.views import bp


def _manage_or_404(event_id: int):
    """Another municipality's organiser gets a 404, as at the door: they learn nothing of it; its own
    staff who do not run events (its reviewers) a 403."""
    event = queries.event_with_sessions(event_id)
    if event is None or not works_in_municipality(current_user, event.municipality_id):
        abort(404)
    if not can_manage_event(current_user, event):
        abort(403)
    return event


@bp.route("/manage/events/<int:event_id>/repeat", methods=["GET", "POST"])
@login_required
def repeat_sessions(event_id: int):
    event = _manage_or_404(event_id)
    form = SessionRuleForm()
    if form.is_submitted() and form.validate():
        try:
            rule = services.add_session_rule(current_user, event.id, form.to_spec())
        except EventError as error:
            if error.status == 404:
                abort(404)
            form.show_refusal(error)
        else:
            count = sum(1 for s in rule.event.sessions if s.rule_id == rule.id)
            flash(_("%(count)s repeating sessions are added.", count=count), "success")
            return redirect(url_for("events.manage_event", event_id=event.id), code=303)
    status = 422 if form.errors or form.form_errors else 200
    return make_response(render_template("events/manage/repeat.html", event=event, form=form), status)


@bp.route("/manage/events/<int:event_id>/sessions/<int:session_id>/change", methods=["GET", "POST"])
@login_required
def change_session(event_id: int, session_id: int):
    event = _manage_or_404(event_id)
    session = next((s for s in event.sessions if s.id == session_id), None)
    if session is None:
        abort(404)
    zone = event.municipality.timezone
    form = OccurrenceForm()
    if not form.is_submitted():
        starts, ends = to_zone(session.starts_at, zone), to_zone(session.ends_at, zone)
        form.day.data, form.start_time.data, form.end_time.data = starts.date(), starts.time(), ends.time()
    elif form.validate():
        try:
            if form.scope.data == FOLLOWING and session.rule_id is not None:
                spec = services.rule_spec(session.rule)
                spec.start_time, spec.end_time = form.start_time.data, form.end_time.data
                spec.until, spec.count = form.until.data, None
                services.change_following(current_user, event.id, session.id, spec)
                flash(_("This session and all that follow are changed."), "success")
            else:
                day, starts, ends = form.day.data, form.start_time.data, form.end_time.data
                services.change_occurrence(current_user, event.id, session.id, day, starts, ends)
                flash(_("The session is changed."), "success")
        except EventError as error:
            if error.status == 404:
                abort(404)
            form.show_refusal(error)
        else:
            return redirect(url_for("events.manage_event", event_id=event.id), code=303)
    status = 422 if form.errors or form.form_errors else 200
    body = render_template("events/manage/change_session.html", event=event, session=session, form=form)
    return make_response(body, status)
