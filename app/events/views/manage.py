"""Organisers' pages: their events, the event form (with its optimistic lock), the attendance list."""

from datetime import datetime

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.core.i18n import current_language
from app.core.pagination import parse_page
from app.core.time import to_zone, utcnow
from app.core.translated import form_values
from app.core.urls import parse_id
from app.events import queries, services
from app.events.errors import EventError, StaleEventError
from app.events.forms import EventForm, OrganiserMessageForm, select_choices
from app.events.permissions import can_manage_event
from app.events.services.recurrence import RecurrenceError
from app.events.views import bp
from app.events.views.loaders import get_event_or_404, personal, refused, require_organiser

MAX_SESSION_ROWS = 60


@bp.get("/manage/events")
@login_required
def manage_events():
    require_organiser()
    page = queries.managed_events(current_user, parse_page(request.args.get("page")))
    return render_template("events/manage/list.html", page=page)


def _choices(form: EventForm) -> None:
    municipalities = queries.managed_municipalities(current_user)
    form.municipality_id.choices = select_choices((m.id, m.name(_lang())) for m in municipalities)
    form.programme_id.choices = select_choices(
        ((p.id, p.name) for p in queries.programmes_for([m.id for m in municipalities])), _("No programme")
    )


def _lang() -> str:
    return current_language()


def _local(moment: datetime | None, zone: str):
    return None if moment is None else to_zone(moment, zone).replace(tzinfo=None)


def _fill_from_event(form: EventForm, event) -> None:
    """The form as the event stands now, times on the municipality's clock."""
    zone = event.municipality.timezone
    for field in (
        "title_fr",
        "title_ar",
        "title_en",
        "description_fr",
        "description_ar",
        "description_en",
        "event_type",
        "venue_fr",
        "venue_ar",
        "venue_en",
        "capacity",
        "audience",
        "municipality_id",
        "programme_id",
        "headcount_only",
    ):
        getattr(form, field).data = getattr(event, field)
    form.show_languages(event.language_list)
    form.registration_opens_at.data = _local(event.registration_opens_at, zone)
    form.registration_closes_at.data = _local(event.registration_closes_at, zone)
    while len(form.sessions.entries):
        form.sessions.pop_entry()
    for session in event.sessions:
        if session.rule_id is not None:  # changed through its rule's page
            continue
        starts, ends = to_zone(session.starts_at, zone), to_zone(session.ends_at, zone)
        form.sessions.append_entry(
            {"id": str(session.id), "day": starts.date(), "starts": starts.time(), "ends": ends.time()}
        )
    form.version.data = str(event.version)


def _show_error(form: EventForm, error: EventError) -> None:
    rule = form.repeat.form
    if isinstance(error, RecurrenceError) and error.field in rule:  # the rule's own field, and above
        rule[error.field].errors = [*rule[error.field].errors, error.message]
        form.form_errors.append(error.message)
    elif error.field == "sessions":  # the sessions' list as a whole: above the form
        form.form_errors.append(error.message)
    else:
        form.show_refusal(error)


def _event_form(event=None):
    """Create and edit share one page; "Add a session" re-renders with one more row (no JS needed)."""
    form = EventForm()
    _choices(form)
    if request.method == "GET":
        if event is not None:
            _fill_from_event(form, event)
        return form, None
    if "add_session" in request.form and len(form.sessions.entries) < MAX_SESSION_ROWS:
        form.sessions.append_entry()
        return form, None
    if not form.validate():
        return form, None
    try:
        if event is None:
            rule = form.repeat.form.to_spec() if form.repeat.form.wanted else None
            return form, services.create_event(current_user, form.to_data(), rule)
        version = parse_id(form.version.data) or 0
        return form, services.update_event(current_user, event.id, form.to_data(), version)
    except StaleEventError as error:
        form.form_errors.append(error.message)
        current = get_event_or_404(event.id, manage=True)
        form.version.data = str(current.version)  # saving again is now a conscious choice
        return form, ("stale", current)
    except EventError as error:
        _show_error(form, error)
        return form, None


def _render_form(form, event=None, current=None, status=200):
    return make_response(
        render_template("events/manage/form.html", form=form, event=event, current=current), status
    )


@bp.route("/manage/events/new", methods=["GET", "POST"])
@login_required
def new_event():
    require_organiser()
    form, saved = _event_form()
    if saved is None:
        return _render_form(form, status=422 if form.errors or form.form_errors else 200)
    flash(_("The event is saved as a draft. Publish it when it is ready."), "success")
    return redirect(url_for("events.manage_event", event_id=saved.id), code=303)


@bp.route("/manage/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit_event(event_id: int):
    event = get_event_or_404(event_id, manage=True)
    form, saved = _event_form(event)
    if isinstance(saved, tuple):
        return _render_form(form, event, current=saved[1], status=409)
    if saved is None:
        return _render_form(form, event, status=422 if form.errors or form.form_errors else 200)
    flash(_("The event is saved."), "success")
    return redirect(url_for("events.manage_event", event_id=saved.id), code=303)


@bp.get("/manage/events/<int:event_id>")
@login_required
def manage_event(event_id: int):
    event = get_event_or_404(event_id, manage=True)
    page = queries.event_registrations(event, parse_page(request.args.get("page")))
    attended = queries.attended_counts(event, [r.participant_id for r in page.items])
    reminders = queries.reminder_deliveries(event)
    return personal(make_response(render_template(
        "events/manage/event.html", event=event, page=page, attended=attended, reminders=reminders
    )))


def _action(event_id: int, service, message: str, to_new: bool = False):
    event = get_event_or_404(event_id, manage=True)
    target = url_for("events.manage_event", event_id=event.id)
    try:
        result = service(current_user, event.id)
    except EventError as error:
        return refused(error, target)
    flash(message, "success")
    if to_new:
        return redirect(url_for("events.edit_event", event_id=result.id), code=303)
    return redirect(target, code=303)


@bp.post("/manage/events/<int:event_id>/publish")
@login_required
def publish_event(event_id: int):
    return _action(event_id, services.publish_event, _("The event is published."))


@bp.route("/manage/events/<int:event_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_event(event_id: int):
    """Asks once more, saying who will be told (it cannot be undone), then cancels."""
    event = get_event_or_404(event_id)
    if not can_manage_event(current_user, event):
        abort(404)  # names nothing, as the message page
    if request.method == "POST" and request.form.get("confirmed") == "1":
        done = _("The event is cancelled. Registered people are told.")
        return _action(event_id, services.cancel_event, done)
    if event.is_cancelled:
        flash(_("This event is already cancelled."), "error")
        return redirect(url_for("events.manage_event", event_id=event.id), code=303)
    return personal(make_response(render_template(
        "events/manage/cancel.html", event=event, recipients=event.confirmed_count + event.waiting_count
    )))


@bp.post("/manage/events/<int:event_id>/duplicate")
@login_required
def duplicate_event(event_id: int):
    return _action(
        event_id,
        services.duplicate_event,
        _("This is a draft copy of the event: change what differs, then publish it."),
        to_new=True,
    )


@bp.get("/manage/events/<int:event_id>/attendance.csv")
@login_required
def attendance_csv(event_id: int):
    event = get_event_or_404(event_id, manage=True)
    lines = queries.attendance_lines(event)
    header = [_("Name"), _("Ticket code"), _("Status"), _("Sessions attended")] + [
        _("Session %(number)s", number=number) for number in range(1, len(event.sessions) + 1)
    ]
    rows = [
        [
            line.name or (_("Deleted account") if line.participant_id else _("Anonymous walk-in")),
            line.code,
            line.status.label,
            f"{len(line.sessions)}/{len(event.sessions)}",
        ]
        + [_("present") if session.id in line.sessions else "" for session in event.sessions]
        for line in lines
    ]
    body = services.export_attendance_csv(current_user, event, header, rows)
    response = make_response(body)
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="attendance-event-{event.id}.csv"'
    return personal(response)


@bp.route("/manage/events/<int:event_id>/message", methods=["GET", "POST"])
@login_required
def message_registered(event_id: int):
    """Write, then confirm (the message cannot be taken back once queued), then send."""
    event = get_event_or_404(event_id)
    if not can_manage_event(current_user, event):
        abort(404)  # names nothing, not even that the event can be managed by someone else
    form = OrganiserMessageForm()
    problem = None
    confirming = False
    texts = {}
    if form.validate_on_submit():
        texts = services.organiser_message_texts(form_values(form, "text"))
        problem = services.organiser_message_problem(event, texts, utcnow())
        if problem is not None or form.confirmed.data == "change":
            pass  # the texts back as they were typed, with the refusal or to change them
        elif form.confirmed.data != "1":
            confirming = True
        else:
            try:
                count = services.send_organiser_message(current_user, event.id, texts)
            except EventError as refusal:
                problem = refusal
            else:
                flash(ngettext("The message is on its way to %(num)s person.",
                               "The message is on its way to %(num)s people.", count), "success")
                return redirect(url_for("events.manage_event", event_id=event.id), code=303)
    error = _place_message_error(form, problem) if problem else None
    html = render_template("events/manage/message.html", event=event, form=form, error=error,
                           confirming=confirming, texts=texts,
                           recipients=event.confirmed_count + event.waiting_count)
    return personal(make_response(html, 400 if problem else 200))


def _place_message_error(form, problem: EventError) -> str | None:
    """A refusal about one language's text goes under that text's field (the organiser sees which);
    one about the whole message is returned, for the top of the page."""
    field = getattr(form, problem.field, None) if problem.field else None
    if field is None:
        return problem.message
    field.errors = [*field.errors, problem.message]
    return None
