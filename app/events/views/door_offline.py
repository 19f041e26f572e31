"""The door without a network: the service worker that keeps the door page, the roster a phone
keeps (names and ticket codes, nothing of who is present), and the endpoint that receives what the
phone recorded meanwhile.

The phone sends its whole queue to one sync endpoint rather than replaying each form: one round trip
when the network comes back (a hall's network may not stay long), and one answer per entry, by the
id the phone gave it, with the translated reason of each refusal for the phone to show. Each entry
goes through the same services (and the same walk-in form) as the door's forms, in its own
transaction, so a refused entry leaves nothing behind and does not stop the others.
"""

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from app.accounts.views import person_name
from app.core import offline
from app.core.codes import normalise_code
from app.core.time import utcnow
from app.core.urls import parse_client_id, parse_id
from app.events import door_queries, services
from app.events.errors import EventError
from app.events.forms import WalkInForm
from app.events.views import bp
from app.events.views.door import CODE_PROBLEMS
from app.events.views.loaders import get_door_session_or_404, kept_offline_until, personal

MAX_ENTRIES = 100  # a phone sends its queue in parts of 25 (each entry is its own transaction)


@bp.get("/door/offline.js")
def door_service_worker():
    """Served under /door/ so that its scope covers the door pages and nothing else."""
    return offline.service_worker("door-sw.js")


@bp.get("/door/sessions/<int:session_id>/roster")
@login_required
def door_roster(session_id: int):
    session = get_door_session_or_404(session_id)
    people = [
        {"id": person.id, "name": person_name(person), "code": code}
        for person, code in door_queries.door_roster(session)
    ]
    response = jsonify(session_id=session.id, people=people, words=_offline_words())
    return kept_offline_until(personal(response), session)


def _offline_words() -> dict:
    """What static/js/door-offline.js says offline (its search's rows, a walk-in it cannot keep), in
    the page's language."""
    return {
        "markPresent": _("Mark present"),
        "codeLabel": _("Code %(code)s: checked when sent", code="{code}"),
        "nobody": _(
            "Nobody on the list kept on this phone matches. A ticket or card code is checked when sent."
        ),
        "anonymousIncomplete": _(
            "For an anonymous walk-in, choose a gender, an age band and an origin, or give a name."
        ),
    }


@bp.post("/door/sessions/<int:session_id>/sync")
@login_required
def door_sync(session_id: int):
    session = get_door_session_or_404(session_id)
    body = request.get_json(silent=True)
    entries = body.get("entries") if isinstance(body, dict) else None
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        return personal(jsonify(error=_("These entries could not be read: nothing was recorded."))), 400
    ids = [parse_client_id(entry.get("client_id")) for entry in entries if isinstance(entry, dict)]
    received = door_queries.door_receipts_among([client_id for client_id in ids if client_id is not None])
    late = _too_late_to_tell_twice(session)
    return personal(jsonify(results=[_sync_entry(session, entry, received, late) for entry in entries]))


def _too_late_to_tell_twice(session) -> str | None:
    """Why this session's queued entries are refused, when its receipts may have been purged: an
    entry sent before and sent again now would be counted twice."""
    days = current_app.config["JIWAR_DOOR_RECEIPT_DAYS"]
    if session.event.door_receipts_kept(utcnow(), days):
        return None
    return _(
        "This entry was kept on the phone more than %(days)d days after the event ended: it was not "
        "recorded, as it may have been already. If it is missing, enter it again on the door page.",
        days=days,
    )


def _sync_entry(session, entry, received: set[str], late: str | None) -> dict:
    client_id = parse_client_id(entry.get("client_id")) if isinstance(entry, dict) else None
    kind = entry.get("kind") if isinstance(entry, dict) else None
    fields = entry.get("fields") if isinstance(entry, dict) else None
    if client_id is None or kind not in SYNCED or not isinstance(fields, dict):
        return {
            "client_id": entry.get("client_id") if isinstance(entry, dict) else None,
            "status": "refused",
            "message": _("This entry could not be read: it was not recorded."),
        }
    if client_id in received:
        return {"client_id": client_id, "status": "already"}
    if late is not None:
        return {"client_id": client_id, "status": "refused", "message": late}
    fields = MultiDict({key: str(value) for key, value in fields.items() if isinstance(value, str | int)})
    try:
        message = SYNCED[kind](session, fields, client_id)
    except EventError as error:
        message = error.message
    if message is not None:
        return {"client_id": client_id, "status": "refused", "message": message}
    return {"client_id": client_id, "status": "recorded"}


def _sync_check_in(session, fields: MultiDict, client_id: str) -> str | None:
    """A check-in made offline: the person picked from the roster (with the ticket code kept beside
    their name), or a card or ticket code typed that the roster did not have."""
    code = normalise_code(fields.get("code"))
    participant_id = parse_id(fields.get("participant_id"))
    if participant_id is None:
        match = door_queries.find_by_code(session.event_id, code) if code else None
        if match is None:
            return _("This entry could not be read: it was not recorded.")
        if match.problem:
            return CODE_PROBLEMS[match.problem](match)
        participant_id = match.participant.id
    services.check_in(current_user, session, participant_id, code=code, client_id=client_id)
    return None


def _sync_walk_in(session, fields: MultiDict, client_id: str) -> str | None:
    form = WalkInForm(formdata=fields, meta={"csrf": False})
    if not form.validate():
        return next(iter(form.errors.values()))[0]
    services.record_walk_in(
        current_user,
        session,
        display_name=form.display_name.data,
        gender=form.gender.data or None,
        age_band=form.age_band.data or None,
        origin=form.origin.data or None,
        client_id=client_id,
    )
    return None


def _sync_tally(session, fields: MultiDict, client_id: str) -> str | None:
    """A +1 of the walk-in tally (its origin and "Undo" need the server: they are not kept offline)."""
    services.count_walk_in(current_user, session, fields.get("group", ""), client_id=client_id)
    return None


# The kinds of entries a phone queues, named after the door's forms they stand for (the last part of
# their address).
SYNCED = {"check-in": _sync_check_in, "walk-in": _sync_walk_in, "tally": _sync_tally}
