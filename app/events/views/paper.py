"""The paper kit of a session: its printable attendance sheet, and the form that types it back in."""

from flask import flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.core.htmx import is_htmx_fragment_request, redirect_whole_page
from app.events import door_queries, services
from app.events.errors import EventError
from app.events.paper_forms import BLANK_ROWS, MAX_BLANK_ROWS, TALLY_GENDERS, PaperSheetForm, tally_name
from app.events.views import bp
from app.events.views.loaders import get_door_session_or_404, personal

SHEET_BLANK_ROWS = 20  # blank rows printed for walk-ins unless the organiser asks for more or fewer


def _blank_rows() -> int:
    try:
        wanted = int(request.args.get("blank", SHEET_BLANK_ROWS))
    except ValueError:
        wanted = SHEET_BLANK_ROWS
    return min(max(wanted, 0), MAX_BLANK_ROWS)


@bp.get("/door/sessions/<int:session_id>/sheet")
@login_required
def paper_sheet(session_id: int):
    """The sheet to print: everyone registered with a tick column, blank rows, tally boxes."""
    session = get_door_session_or_404(session_id)
    return personal(make_response(render_template(
        "events/paper/sheet.html",
        session=session,
        event=session.event,
        people=door_queries.paper_sheet_people(session),
        blank_rows=_blank_rows(),
        tally_genders=TALLY_GENDERS,
        typed=door_queries.paper_sheet_of(session.id),
    )))


def _summary(typed, people: int) -> dict:
    return {
        "ticked": len(typed.ticked),
        "people": people,
        "walk_ins": sum(1 for line in typed.walk_ins if not line.is_blank),
        "tallied": sum(typed.tallies.values()),
    }


@bp.route("/door/sessions/<int:session_id>/sheet/type-in", methods=["GET", "POST"])
@login_required
def type_in_sheet(session_id: int):
    """Tick, fill in, check the totals once (the sheet is typed in once only), then record."""
    session = get_door_session_or_404(session_id)
    people = door_queries.paper_sheet_people(session)
    form = PaperSheetForm()
    ticked = request.form.getlist("ticked") if request.method == "POST" else []
    confirming, status = None, 200
    if request.method == "POST" and "more_rows" in request.form:
        for _row in range(BLANK_ROWS):
            if len(form.walk_ins.entries) < MAX_BLANK_ROWS:
                form.walk_ins.append_entry()
    elif form.validate_on_submit():
        typed = form.typed(ticked)
        if form.confirmed.data == "1":
            try:
                outcome = services.type_in_paper_sheet(current_user, session, typed)
            except EventError as error:
                form.form_errors.append(error.message)  # about the sheet as a whole: above the form
                status = 422
            else:
                flash(_sheet_message(outcome), "success")
                return _to_door(session)
        else:
            confirming = _summary(typed, len(people))
    elif request.method == "POST":
        status = 422
    context = {
        "session": session,
        "event": session.event,
        "people": people,
        "form": form,
        "ticked": set(ticked),
        "confirming": confirming,
        "tally_genders": TALLY_GENDERS,
        "tally_name": tally_name,
        "max_tally": services.MAX_TALLY,
        "typed": door_queries.paper_sheet_of(session.id),
    }
    if is_htmx_fragment_request():
        # htmx swaps no 4xx answer: the form with its messages comes back as a 200 fragment.
        response = make_response(render_template("events/paper/_type_in.html", **context))
    else:
        response = make_response(render_template("events/paper/type_in.html", **context), status)
    response.vary.add("HX-Request")
    return personal(response)


def _sheet_message(outcome) -> str:
    message = _(
        "The sheet is recorded. Presences from its ticks: %(ticked)s. Walk-ins: %(walk_ins)s.",
        ticked=outcome.ticked,
        walk_ins=outcome.walk_ins,
    )
    if outcome.already_present:
        message += " " + ngettext(
            "%(num)s ticked person was already marked present at the door.",
            "%(num)s ticked people were already marked present at the door.",
            outcome.already_present,
        )
    return message


def _to_door(session):
    """Recorded: the door page, with its counters and the message (htmx is told to load it)."""
    return redirect_whole_page(url_for("events.door", session_id=session.id))
