"""One loader per object: 404 when it does not exist (or may not be seen), 403 when it may not be
touched by this person. Views call these and nothing else to authorise."""

from flask import abort, flash, redirect
from flask_login import current_user
from werkzeug.http import http_date

from app.events import door_queries, queries
from app.events.permissions import (
    can_manage_event,
    can_see_event,
    is_organiser,
    owns_registration,
    works_in_municipality,
)


def get_event_or_404(event_id: int, manage: bool = False):
    event = queries.event_with_sessions(event_id)
    if event is None or not can_see_event(current_user, event):
        abort(404)
    if manage and not can_manage_event(current_user, event):
        abort(403)
    return event


def get_door_session_or_404(session_id: int):
    """404 also for whoever does not work in the event's municipality (another municipality's staff,
    residents): a door's answers must not even confirm that a session exists; 403 for its own staff
    who do not run events (its reviewers)."""
    session = door_queries.door_session(session_id)
    if session is None or not works_in_municipality(current_user, session.event.municipality_id):
        abort(404)
    if not can_manage_event(current_user, session.event):
        abort(403)
    return session


def get_registration_or_404(registration_id: int):
    registration = queries.ticket(registration_id)
    if registration is None:
        abort(404)
    if not owns_registration(current_user, registration):
        abort(403)
    return registration


def require_organiser() -> None:
    if not is_organiser(current_user):
        abort(403)


def get_card_holder_or_404(participant_id: int):
    """A card holder this organiser serves: another desk's card holder is a 404, as if the person
    did not exist (the page names nobody)."""
    require_organiser()
    participant = queries.card_holder(current_user, participant_id)
    if participant is None:
        abort(404)
    return participant


def refused(error, target: str):
    """A refused action: its translated message as a flash, then back (303)."""
    flash(error.message, "error")
    return redirect(target, code=303)


def personal(response):
    """Pages about one person are never cached by a shared phone's browser or a proxy."""
    response.headers["Cache-Control"] = "no-store"
    return response


def kept_offline_until(response, session):
    """A phone may keep this answer (its door page, its roster) until the session ends, no later
    (static/js/offline-pages.js forgets it then)."""
    response.headers["Jiwar-Keep-Until"] = http_date(session.ends_at)
    return response
