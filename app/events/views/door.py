"""The door page of one session, made for a phone: find, mark present, undo, add walk-ins."""

from flask import flash, get_template_attribute, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.codes import normalise_code
from app.core.fragments import csrf_token, language_fragment
from app.core.htmx import is_htmx_fragment_request
from app.core.i18n import current_language
from app.core.kept_pages import kept_for_person
from app.core.pagination import parse_page
from app.core.urls import parse_id
from app.events import queries, services
from app.events.errors import EventError
from app.events.forms import WalkInForm
from app.events.views import bp
from app.events.views.loaders import get_door_session_or_404, personal

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
    code = normalise_code(search)
    match = queries.find_by_code(session.event_id, code) if code else None
    if match is not None and match.participant is not None:
        attendance = queries.attendance_of(session.id, match.participant.id)
        rows = [queries.DoorRow(match.participant, match.registration, attendance.id if attendance else None)]
        page = None
    else:
        page = queries.door_people(session, "" if match else search, parse_page(request.args.get("page")))
        rows = page.items if match is None else []
        if match is None and search and page.page == 1:
            rows = rows + queries.door_card_holders(session, search)
    return {
        "session": session,
        "event": session.event,
        "search": search,
        "rows": rows,
        "page": page,
        "code_problem": CODE_PROBLEMS[match.problem](match) if match and match.problem else None,
        "counters": queries.door_counters(session),
        "row_shared": door_row_shared(session),
    }


def door_row_shared(session) -> dict:
    """What every row of a door list shares (events/door/_row.html): built once per answer, as
    url_for, the token and each translation cost a few microseconds a call and a list has 30 rows."""
    return {
        "undo": url_for("events.undo_check_in", session_id=session.id),
        "check_in": url_for("events.check_in", session_id=session.id),
        "csrf": csrf_token(),
        "registered": _("Registered"),
        "waiting": _("On the waiting list"),
        "not_registered": _("Not registered"),
        "present": _("Present"),
        "undo_label": _("Undo"),
        "mark_present": _("Mark present"),
    }


@bp.get("/door/sessions/<int:session_id>")
@kept_for_person()
@login_required
def door(session_id: int):
    session = get_door_session_or_404(session_id)
    search = (request.args.get("q") or "").strip()[:80]
    context = _door_context(session, search)
    if is_htmx_fragment_request():
        response = make_response(render_template("events/door/_results.html", **context))
    else:
        response = make_response(
            render_template(
                "events/door/door.html",
                walk_in_fields=language_fragment("events/door/walk_in", _blank_walk_in_fields),
                walk_ins=queries.door_walk_ins(session),
                **context,
            )
        )
    response.vary.add("HX-Request")
    return personal(response)


def _blank_walk_in_fields() -> str:
    # Its CSRF field is not rendered here (door.html writes the token itself).
    fields = get_template_attribute("events/door/_walk_in_fields.html", "walk_in_form_fields")
    return fields(WalkInForm(formdata=None, meta={"csrf": False}))


def _after_change(session, participant, attendance_id):
    """htmx: the person's row and the counters, swapped in place. Plain form: back to the door."""
    if is_htmx_fragment_request() and participant is not None:
        registration = queries.registration_of(session.event_id, participant.id)
        row = queries.DoorRow(participant, registration, attendance_id)
        return personal(
            make_response(
                render_template(
                    "events/door/_row_update.html",
                    session=session,
                    row=row,
                    row_shared=door_row_shared(session),
                    counters=queries.door_counters(session),
                    search=request.form.get("q", ""),
                )
            )
        )
    return redirect(url_for("events.door", session_id=session.id, q=request.form.get("q") or None), code=303)


def _back_to_door(session):
    """A refusal: the whole door page with its message (htmx is told to load it, not to swap it
    into the person's row)."""
    target = url_for("events.door", session_id=session.id)
    if is_htmx_fragment_request():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, code=303)


@bp.post("/door/sessions/<int:session_id>/check-in")
@login_required
def check_in(session_id: int):
    session = get_door_session_or_404(session_id)
    participant_id = parse_id(request.form.get("participant_id"))
    if participant_id is None:
        flash(_("Choose the person to mark present."), "error")
        return _back_to_door(session)
    try:
        attendance = services.check_in(current_user, session, participant_id)
    except EventError as error:
        flash(error.message, "error")
        return _back_to_door(session)
    if not is_htmx_fragment_request():
        flash(_("%(name)s is marked present.", name=attendance.participant.display_name), "success")
    return _after_change(session, attendance.participant, attendance.id)


@bp.post("/door/sessions/<int:session_id>/undo")
@login_required
def undo_check_in(session_id: int):
    session = get_door_session_or_404(session_id)
    attendance_id = parse_id(request.form.get("attendance_id"))
    participant = None
    if attendance_id is not None:
        attendance = queries.attendance_at(session.id, attendance_id)
        participant = attendance.participant if attendance else None
        services.undo_check_in(current_user, session, attendance_id)
    if not is_htmx_fragment_request():
        flash(_("Presence undone."), "success")
    return _after_change(session, participant, None)


def _walk_in_refused(session, form: WalkInForm):
    context = _door_context(session, "")
    return personal(
        make_response(
            render_template(
                "events/door/door.html", walk_in_form=form, walk_ins=queries.door_walk_ins(session), **context
            ),
            422,
        )
    )


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
        )
    except EventError as error:
        form.gender.errors = [error.message]
        return _walk_in_refused(session, form)
    flash(_("The walk-in is counted."), "success")
    return redirect(url_for("events.door", session_id=session.id), code=303)
