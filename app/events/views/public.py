"""What everyone sees and what residents do: the list, the event page, registering, My events."""

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.confirmation import confirmed_required
from app.core.htmx import is_htmx_fragment_request
from app.core.http_cache import public_page
from app.core.i18n import current_language
from app.core.pagination import parse_page
from app.core.qr import qr_svg
from app.core.time import utcnow
from app.events import queries, services
from app.events.errors import RegistrationError
from app.events.models import EventType, RegistrationStatus
from app.events.permissions import can_manage_event
from app.events.tickets import event_calendar
from app.events.views import bp
from app.events.views.loaders import (
    get_event_or_404,
    get_registration_or_404,
    personal,
    refused,
)


@bp.get("/events")
@public_page
def list_events():
    filters = queries.EventFilters.from_args(request.args)
    page_number = parse_page(request.args.get("page"))
    template = "events/_results.html" if is_htmx_fragment_request() else "events/list.html"
    html = render_template(
        template,
        results=queries.public_events(filters, page_number, now=utcnow()),
        filters=filters,
        municipalities=queries.municipalities(),
        event_types=EventType,
    )
    response = make_response(html)
    response.vary.add("HX-Request")
    return response


@bp.get("/events/<int:event_id>")
@public_page
def event_detail(event_id: int):
    event = get_event_or_404(event_id)
    registration = position = None
    if current_user.is_authenticated:
        registration = queries.registration_of(event.id, current_user.participant_id)
        if registration is not None:
            position = queries.waiting_position(registration)
    return render_template(
        "events/detail.html",
        event=event,
        registration=registration,
        position=position,
        state=event.registration_state(utcnow()),
        can_manage=can_manage_event(current_user, event),
    )  # signed in: no-store like every signed-in page (app/core/security.py)


@bp.post("/events/<int:event_id>/register")
@login_required
@confirmed_required
def register(event_id: int):
    # The event is read once, by the service, under its lock (a draft or unknown event: 404 there).
    target = url_for("events.event_detail", event_id=event_id)
    try:
        registration = services.register_for_event(event_id, current_user.participant_id)
    except RegistrationError as error:
        if error.status == 404:  # no such event, or not published: the page not found, as for a GET
            abort(404)
        return refused(error, target)
    if registration.status == RegistrationStatus.CONFIRMED:
        flash(_("You are registered. Your ticket is in My events."), "success")
    else:
        flash(
            _("The event is full: you are on the waiting list. You will be told if a seat frees up."),
            "success",
        )
    return redirect(target, code=303)


@bp.post("/events/<int:event_id>/cancel-registration")
@login_required
def cancel_registration(event_id: int):
    event = get_event_or_404(event_id)
    target = url_for("events.event_detail", event_id=event.id)
    registration = queries.registration_of(event.id, current_user.participant_id)
    if registration is None:
        flash(_("You are not registered for this event."), "error")
        return redirect(target, code=303)
    try:
        services.cancel_registration(registration.id)
    except RegistrationError as error:
        return refused(error, target)
    flash(_("Your registration is cancelled."), "success")
    return redirect(target, code=303)


@bp.get("/events/<int:event_id>/calendar.ics")
def event_ics(event_id: int):
    event = get_event_or_404(event_id)
    url = url_for("events.event_detail", event_id=event.id, _external=True)
    domain = current_app.config["JIWAR_CANONICAL_URL"].split("//")[-1].split("/")[0].split(":")[0]
    body = event_calendar(event, current_language(), url, domain)
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="jiwar-event-{event.id}.ics"'
    return response


@bp.get("/me/events")
@login_required
def my_events():
    when = "past" if request.args.get("when") == "past" else "upcoming"
    page = queries.my_registrations(current_user.participant_id, when, parse_page(request.args.get("page")))
    link_requests = queries.open_link_requests(current_user.id)
    body = render_template("events/my_events.html", page=page, when=when, link_requests=link_requests)
    return personal(make_response(body))


@bp.get("/me/tickets/<int:registration_id>")
@login_required
def ticket(registration_id: int):
    registration = get_registration_or_404(registration_id)
    qr = None
    if registration.status == RegistrationStatus.CONFIRMED:
        qr = qr_svg(registration.ticket_code, _("QR code of ticket %(code)s", code=registration.ticket_code))
    return personal(
        make_response(
            render_template("events/ticket.html", registration=registration, event=registration.event, qr=qr)
        )
    )
