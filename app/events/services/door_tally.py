"""The door's walk-in tally: one tap counts an anonymous walk-in (women, men, girls, boys), a
second tap may add the origin they chose to give, and "Undo" takes the last one off. Each tap is an
anonymous walk-in Attendance like the door's walk-in form makes, so the reports count it the same
way (and with the same disclosure control)."""

from flask_babel import gettext as _

from app.accounts.models import Origin
from app.core.audit import record_audit
from app.events.door_queries import tally_walk_in
from app.events.errors import DoorError
from app.events.models import Attendance, Event, EventSession, TallyGroup
from app.events.services.door import (
    already_received,
    commit_once,
    refuse_at_a_cancelled_event,
    refuse_unless_open,
    undo_check_in,
)
from app.events.services.locking import lock_event, rolls_back_on_refusal
from app.extensions import db


def _unknown_group() -> DoorError:
    return DoorError(_("Choose women, men, girls or boys."), "tally_group")


@rolls_back_on_refusal
def count_walk_in(
    actor, session: EventSession, group: str, client_id: str | None = None
) -> Attendance | None:
    """+1 for this group at this session: an anonymous walk-in with gender and, for children, the
    age band; no origin until a second tap gives one. A tap sent again with the same `client_id`
    (made on the phone, kept offline) counts nobody twice (None: already counted)."""
    if already_received(client_id):
        return None
    refuse_at_a_cancelled_event(session)
    refuse_unless_open(session)
    if group not in TallyGroup._value2member_map_:
        raise _unknown_group()
    chosen = TallyGroup(group)
    attendance = Attendance(
        session_id=session.id,
        event_id=session.event_id,
        is_walk_in=True,
        checked_in_by_id=actor.id,
        anonymous_gender=str(chosen.gender),
        anonymous_age_band=None if chosen.age_band is None else str(chosen.age_band),
    )
    return commit_once(attendance, session, client_id)


@rolls_back_on_refusal
def note_walk_in_origin(actor, session: EventSession, attendance_id: int, origin: str) -> Attendance | None:
    """The origin an anonymous walk-in chose to give (or "prefer not to say"), added after the +1.
    Returns None when that walk-in is gone (undone from another phone): nothing to amend."""
    refuse_unless_open(session)
    if origin not in Origin._value2member_map_:
        raise DoorError(_("Choose one of the origins shown."), "tally_origin")
    attendance = tally_walk_in(session, attendance_id)
    if attendance is None:
        db.session.commit()
        return None
    attendance.anonymous_origin = origin
    db.session.commit()
    return attendance


@rolls_back_on_refusal
def undo_counted_walk_in(actor, session: EventSession, attendance_id: int) -> bool:
    """The tally's "Undo": takes an anonymous walk-in of this session off the count (never a named
    person's presence, whatever id is sent). False when it was already gone."""
    refuse_unless_open(session)
    if tally_walk_in(session, attendance_id) is None:
        db.session.commit()
        return False
    undo_check_in(actor, session, attendance_id)
    return True


@rolls_back_on_refusal
def set_headcount_only(actor, event: Event, headcount_only: bool) -> None:
    """Headcount only: the door takes no names for this event, only the tally. A change of the
    event like the form's: its version moves, so an edit form opened before cannot switch it back
    unseen (it is refused as stale, with what was typed kept)."""
    event = lock_event(event.id)
    if event.headcount_only == headcount_only:
        return
    event.headcount_only = headcount_only
    event.version += 1
    record_audit("event.headcount_only", actor, event, headcount_only=headcount_only)
    db.session.commit()
