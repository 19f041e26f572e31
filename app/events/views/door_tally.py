"""The door's walk-in tally (+1 women, men, girls, boys; origin as a second tap; Undo) and the
event's headcount-only setting. With htmx each tap answers in place; as plain forms each goes back to
the door at the tally, which shows the walk-in just counted."""

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.htmx import is_htmx_fragment_request
from app.core.urls import parse_client_id, parse_id
from app.events import door_queries, services
from app.events.errors import EventError
from app.events.views import bp
from app.events.views.door import _back_to_door, tally_context
from app.events.views.loaders import get_door_session_or_404, personal


def _answer(session, last=None, undone=False):
    """htmx: the counts, the last walk-in and the door's counters, swapped in place (the +1 buttons
    stay, so quick taps queue on them and none is lost). Plain form: back to the door's tally."""
    if is_htmx_fragment_request():
        return personal(
            make_response(
                render_template(
                    "events/door/_tally_update.html",
                    session=session,
                    counters=door_queries.door_counters(session),
                    **tally_context(session, last, undone),
                )
            )
        )
    target = url_for(
        "events.door", session_id=session.id, last=last.id if last is not None else None, _anchor="door-tally"
    )
    return redirect(target, code=303)


@bp.post("/door/sessions/<int:session_id>/tally")
@login_required
def tally_walk_in(session_id: int):
    session = get_door_session_or_404(session_id)
    try:
        attendance = services.count_walk_in(
            current_user,
            session,
            request.form.get("group", ""),
            client_id=parse_client_id(request.form.get("client_id")),
        )
    except EventError as error:
        flash(error.message, "error")
        return _back_to_door(session)
    return _answer(session, last=attendance)


@bp.post("/door/sessions/<int:session_id>/tally/origin")
@login_required
def tally_origin(session_id: int):
    session = get_door_session_or_404(session_id)
    attendance_id = parse_id(request.form.get("attendance_id"))
    try:
        origin = request.form.get("origin", "")
        attendance = (
            None
            if attendance_id is None
            else services.note_walk_in_origin(current_user, session, attendance_id, origin)
        )
    except EventError as error:
        flash(error.message, "error")
        return _back_to_door(session)
    if attendance is None:  # undone meanwhile (another phone): nothing left to amend
        flash(_("This walk-in is no longer counted: its origin was not recorded."), "error")
        return _back_to_door(session)
    return _answer(session, last=attendance)


@bp.post("/door/sessions/<int:session_id>/tally/undo")
@login_required
def tally_undo(session_id: int):
    session = get_door_session_or_404(session_id)
    attendance_id = parse_id(request.form.get("attendance_id"))
    try:
        if attendance_id is not None:
            services.undo_counted_walk_in(current_user, session, attendance_id)
    except EventError as error:
        flash(error.message, "error")
        return _back_to_door(session)
    if not is_htmx_fragment_request():
        flash(_("The last walk-in is taken off the count."), "success")
    return _answer(session, undone=True)


@bp.post("/door/sessions/<int:session_id>/headcount-only")
@login_required
def headcount_only(session_id: int):
    session = get_door_session_or_404(session_id)
    chosen = request.form.get("headcount_only") == "1"
    services.set_headcount_only(current_user, session.event, chosen)
    if chosen:
        flash(_("Headcount only: this event's door takes no names, only the tally."), "success")
    else:
        flash(_("The door finds and marks registered people again."), "success")
    return redirect(url_for("events.door", session_id=session.id), code=303)
