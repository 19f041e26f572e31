"""The door page of one session, made for a phone: find, mark present, undo, add walk-ins."""

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.views import person_name
from app.core.codes import normalise_code
from app.core.htmx import is_htmx_fragment_request, redirect_whole_page
from app.core.i18n import current_language
from app.core.pagination import parse_page
from app.core.urls import parse_client_id, parse_id
from app.events import door_queries, services
from app.events.errors import EventError
from app.events.forms import WalkInForm
from app.events.views import bp
from app.events.views.loaders import get_door_session_or_404, kept_offline_until, personal

CODE_PROBLEMS = {
    "unknown": lambda match: _("No ticket or card has this code. Check it and type it again."),
    "revoked": lambda match: _("This card was replaced by a new one: the old code no longer works."),
    "other_event": lambda match: _(
        "This ticket is for another event: %(title)s.", title=match.other_event.title(_lang())
    ),
}


def _lang() -> str:
    return current_language()


def _door_context(session, search: str):
    """The door page: this event's people (searched by name, phone or code), or the one person a
    card or ticket code names; the form of that person's row carries the code, which is what lets
    the door check them in if they are not registered."""
    closed = services.check_in_not_open(session)
    code = normalise_code(search)
    match = door_queries.find_by_code(session.event_id, code) if code else None
    if match is not None and match.participant is not None:
        attendance = door_queries.attendance_of(session.id, match.participant.id)
        attendance_id = attendance.id if attendance else None
        rows = [door_queries.DoorRow(match.participant, match.registration, attendance_id, code)]
        page = None
    else:
        page_number = parse_page(request.args.get("page"))
        page = door_queries.door_people(session, "" if match else search, page_number)
        rows = page.items if match is None else []
    return {
        "session": session,
        "event": session.event,
        "search": search,
        "rows": rows,
        "page": page,
        "code_problem": CODE_PROBLEMS[match.problem](match) if match and match.problem else None,
        "counters": door_queries.door_counters(session),
        "check_in_closed": closed,
        "row_shared": door_row_shared(session, is_open=closed is None),
    }


def door_row_shared(session, is_open: bool) -> dict:
    """What a door row needs besides its person (events/door/_row.html): the addresses its forms
    post to, built once for the page rather than twice in each of its rows, and whether check-in is
    open (before it opens, rows show who is present but offer no check-in or undo)."""
    return {
        "open": is_open,
        "check_in_url": url_for("events.check_in", session_id=session.id),
        "undo_url": url_for("events.undo_check_in", session_id=session.id),
    }


@bp.get("/door/sessions/<int:session_id>")
@login_required
def door(session_id: int):
    session = get_door_session_or_404(session_id)
    search = (request.args.get("q") or "").strip()[:80]
    if is_htmx_fragment_request():
        context = _door_context(session, search)
        response = make_response(render_template("events/door/_results.html", **context))
    else:
        response = make_response(_door_page(session, search))
    response.vary.add("HX-Request")
    return kept_offline_until(personal(response), session)


def _door_page(session, search: str, status: int = 200, walk_in_form: WalkInForm | None = None):
    """The whole door: a headcount-only event's shows the tally alone (no names are taken), any
    other's the search, the tally and the walk-in form."""
    last = door_queries.tally_walk_in(session, parse_id(request.args.get("last")))
    if session.event.headcount_only:
        context = {
            "session": session,
            "event": session.event,
            "counters": door_queries.door_counters(session),
            "check_in_closed": services.check_in_not_open(session),
        }
    else:
        context = _door_context(session, search)
        context["walk_ins"] = door_queries.door_walk_ins(session)
        if walk_in_form is None:  # a blank one, without its CSRF field: door.html writes the token
            walk_in_form = WalkInForm(formdata=None, meta={"csrf": False})
        context["walk_in_form"] = walk_in_form
    return render_template(
        "events/door/door.html",
        next_session=_next_session(session),
        focus_search=request.args.get("marked") == "1",
        **tally_context(session, last),
        **context,
    ), status


def tally_context(session, last=None, undone=False) -> dict:
    """What events/door/_tally.html needs: the counts per button, the walk-in just counted (its
    origin buttons and Undo), and whether the tally may be used (check-in open)."""
    return {
        "tally": door_queries.door_tally(session),
        "last": last,
        "undone": undone,
        "tally_open": not session.event.is_cancelled and services.check_in_not_open(session) is None,
    }


def _next_session(session):
    sessions = session.event.sessions
    position = sessions.index(session)
    return sessions[position + 1] if position + 1 < len(sessions) else None


def _after_change(session, participant_id: int | None, *, checked_in: bool):
    """The person's row as it is now, read afresh: another phone may have checked them in or undone
    their presence a moment ago, and the answer says what is true, never what this phone asked for.
    htmx: the row and the counters, swapped in place. Plain form: back to the door, saying so."""
    row = door_queries.door_row(session, participant_id) if participant_id is not None else None
    if row is None:
        if not checked_in:
            flash(_("Presence undone."), "success")
        return _back_to_door(session)
    row.code = _own_code(session, participant_id, request.form.get("code"))
    if is_htmx_fragment_request():
        return personal(
            make_response(
                render_template(
                    "events/door/_row_update.html",
                    session=session,
                    row=row,
                    row_shared=door_row_shared(session, is_open=True),
                    counters=door_queries.door_counters(session),
                    search=request.form.get("q", ""),
                    checked_in=checked_in,
                )
            )
        )
    flash(_row_message(row, checked_in), "success")
    # The message names the person; the search box comes back empty and focused for the next one.
    return redirect(url_for("events.door", session_id=session.id, marked=1), code=303)


def _row_message(row, checked_in: bool) -> str:
    name = person_name(row.participant)
    if checked_in and row.attendance_id is None:
        return _(
            "%(name)s is not marked present: another phone undid this presence at the same moment.", name=name
        )
    if checked_in:
        return _("%(name)s is marked present.", name=name)
    if row.attendance_id is not None:
        return _("%(name)s is present: another phone marked this presence at the same moment.", name=name)
    return _("Presence undone.")


def _own_code(session, participant_id: int, typed: str | None) -> str | None:
    """The code the row's form carried, kept for its next form only if it is this person's."""
    code = normalise_code(typed)
    if code is None:
        return None
    match = door_queries.find_by_code(session.event_id, code)
    return code if match.participant is not None and match.participant.id == participant_id else None


def _back_to_door(session):
    """A refusal: the whole door page with its message (htmx is told to load it, not to swap it
    into the person's row)."""
    return redirect_whole_page(url_for("events.door", session_id=session.id))


@bp.post("/door/sessions/<int:session_id>/check-in")
@login_required
def check_in(session_id: int):
    session = get_door_session_or_404(session_id)
    participant_id = parse_id(request.form.get("participant_id"))
    if participant_id is None:
        flash(_("Choose the person to mark present."), "error")
        return _back_to_door(session)
    try:
        # What it returns may already be gone (undone by another phone): the row is read afresh.
        services.check_in(
            current_user,
            session,
            participant_id,
            code=request.form.get("code") or None,
            client_id=parse_client_id(request.form.get("client_id")),
        )
    except EventError as error:
        flash(error.message, "error")
        return _back_to_door(session)
    return _after_change(session, participant_id, checked_in=True)


@bp.post("/door/sessions/<int:session_id>/undo")
@login_required
def undo_check_in(session_id: int):
    session = get_door_session_or_404(session_id)
    attendance_id = parse_id(request.form.get("attendance_id"))
    attendance = door_queries.attendance_at(session.id, attendance_id) if attendance_id is not None else None
    if attendance is None:  # already undone, or not this session's: the door as it is
        flash(_("Presence undone."), "success")
        return _back_to_door(session)
    participant_id = attendance.participant_id  # None: an anonymous walk-in
    try:
        services.undo_check_in(current_user, session, attendance_id)
    except EventError as error:
        flash(error.message, "error")
        return _back_to_door(session)
    return _after_change(session, participant_id, checked_in=False)


def _walk_in_refused(session, form: WalkInForm):
    return personal(make_response(_door_page(session, "", 422, walk_in_form=form)))


@bp.post("/door/sessions/<int:session_id>/walk-in")
@login_required
def walk_in(session_id: int):
    session = get_door_session_or_404(session_id)
    form = WalkInForm()
    if not form.validate():
        return _walk_in_refused(session, form)
    try:
        services.record_walk_in(
            current_user,
            session,
            display_name=form.display_name.data,
            gender=form.gender.data or None,
            age_band=form.age_band.data or None,
            origin=form.origin.data or None,
            client_id=parse_client_id(request.form.get("client_id")),
        )
    except EventError as error:
        if error.field is None:  # the door is closed (cancelled, not open yet): nothing to correct
            flash(error.message, "error")
            return _back_to_door(session)
        form[error.field].errors = [error.message]
        return _walk_in_refused(session, form)
    flash(_("The walk-in is counted."), "success")
    return redirect(url_for("events.door", session_id=session.id), code=303)
