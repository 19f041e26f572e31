"""The paper kit's second half: a printed attendance sheet typed back in.

Outdoors or without a network, organisers tick names on paper and write walk-ins on blank rows or
as tally strokes. Typing the sheet in records it all at once, with channel "paper": ticks become
presences, blank rows walk-ins, tallies anonymous walk-ins. Everything or nothing: a sheet with a
mistake is refused whole, and a session's sheet is typed in once.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Gender, Origin, Participant
from app.core.audit import record_audit
from app.core.templating import local_date_text
from app.events.door_queries import active_registration_ids, paper_sheet_of, paper_sheet_people
from app.events.errors import PaperError
from app.events.models import (
    AgeBand,
    Attendance,
    AttendanceChannel,
    EventSession,
    PaperSheet,
    RegistrationStatus,
)
from app.events.services.door import refuse_at_a_cancelled_event, refuse_unless_open
from app.events.services.locking import rolls_back_on_refusal
from app.extensions import db

# A tally box holds strokes, not a crowd: past this a typing slip is more likely than a fact.
MAX_TALLY = 2000


@dataclass
class WalkInLine:
    """One blank row of the sheet as written: a name, or gender, age band and origin ticked."""

    display_name: str = ""
    gender: str = ""
    age_band: str = ""
    origin: str = ""

    @property
    def is_blank(self) -> bool:
        return not (self.display_name.strip() or self.gender or self.age_band or self.origin)


@dataclass
class TypedSheet:
    ticked: list[int] = field(default_factory=list)  # participant ids ticked on the sheet
    walk_ins: list[WalkInLine] = field(default_factory=list)
    tallies: dict[tuple[str, str], int] = field(default_factory=dict)  # (gender, age band) -> strokes


@dataclass
class SheetOutcome:
    ticked: int  # presences recorded from ticks
    already_present: int  # ticked, but already checked in at the door
    walk_ins: int


def _already_typed(sheet: PaperSheet, session: EventSession) -> PaperError:
    return PaperError(
        _(
            "This session's sheet was already typed in on %(date)s: typing it again would count people "
            "twice. Correct single presences on the door page.",
            date=local_date_text(sheet.typed_at, session.event.municipality.timezone, "full"),
        ),
        "already_typed",
    )


def _check_ticks(session: EventSession, ticked: list[int]):
    people = {row.participant.id: row for row in paper_sheet_people(session)}
    unique = set(ticked)
    if len(ticked) > len(people) or len(unique) != len(ticked):
        raise PaperError(
            _(
                "%(ticks)s ticks, but the sheet lists %(people)s people: count the ticks again.",
                ticks=len(ticked),
                people=len(people),
            ),
            "too_many_ticks",
            field="ticked",
        )
    if not unique <= people.keys():
        raise PaperError(
            _("A ticked line is not on this session's sheet: print the sheet again and type in that one."),
            "not_on_sheet",
            field="ticked",
        )
    return [people[participant_id] for participant_id in ticked]


def _check_walk_in(line: WalkInLine, number: int) -> None:
    if line.display_name.strip():
        return
    if line.gender not in set(Gender) or line.age_band not in set(AgeBand) or line.origin not in set(Origin):
        raise PaperError(
            _(
                "Blank row %(number)s: tick a gender, an age band and an origin, or write a name.",
                number=number,
            ),
            "anonymous_incomplete",
            field="walk_ins",
        )


def _check_tallies(tallies: dict[tuple[str, str], int]) -> None:
    for (gender, band), count in tallies.items():
        if gender not in set(Gender) or band not in set(AgeBand) or not 0 <= count <= MAX_TALLY:
            raise PaperError(
                _("Each tally is a number of people from 0 to %(most)s.", most=MAX_TALLY),
                "bad_tally",
                field="tallies",
            )


@rolls_back_on_refusal
def type_in_paper_sheet(actor, session: EventSession, typed: TypedSheet) -> SheetOutcome:
    """Record a session's paper sheet, all of it or none of it."""
    refuse_at_a_cancelled_event(session)
    refuse_unless_open(session)
    existing = paper_sheet_of(session.id)
    if existing is not None:
        raise _already_typed(existing, session)
    rows = _check_ticks(session, typed.ticked)
    lines = [line for line in typed.walk_ins if not line.is_blank]
    for number, line in enumerate(lines, start=1):
        _check_walk_in(line, number)
    _check_tallies(typed.tallies)

    def paper(**values) -> Attendance:
        attendance = Attendance(
            session_id=session.id,
            event_id=session.event_id,
            checked_in_by_id=actor.id,
            channel=AttendanceChannel.PAPER,
            **values,
        )
        db.session.add(attendance)
        return attendance

    ticked = [row for row in rows if row.attendance_id is None]
    registrations = active_registration_ids(session.event_id, [row.participant.id for row in ticked])
    for row in ticked:
        # As at the door: someone waiting for a seat who came anyway counts as a walk-in.
        confirmed = row.registration.status == RegistrationStatus.CONFIRMED
        paper(participant_id=row.participant.id, is_walk_in=not confirmed,
              registration_id=registrations.get(row.participant.id))
    for line in lines:
        name = line.display_name.strip()[:80]
        if name:
            paper(is_walk_in=True).participant = Participant(display_name=name)
        else:
            paper(is_walk_in=True, anonymous_gender=line.gender, anonymous_age_band=line.age_band,
                  anonymous_origin=line.origin)
    tallied = 0
    for (gender, band), count in sorted(typed.tallies.items()):
        for _stroke in range(count):
            # Strokes say gender and age only: the origin was not asked.
            paper(is_walk_in=True, anonymous_gender=gender, anonymous_age_band=band,
                  anonymous_origin=Origin.UNDISCLOSED)
        tallied += count
    walk_ins = len(lines) + tallied
    sheet = PaperSheet(session_id=session.id, typed_by_id=actor.id, ticked=len(ticked), walk_ins=walk_ins)
    db.session.add(sheet)
    record_audit("paper_sheet.typed_in", actor, session, ticked=len(ticked), walk_ins=walk_ins)
    try:
        db.session.commit()
    except IntegrityError:
        # Another organiser typed the sheet in, or a door phone checked one of these people in,
        # a moment ago: nothing of this sheet is kept, and the page says which.
        db.session.rollback()
        existing = paper_sheet_of(session.id)
        if existing is not None:
            raise _already_typed(existing, session) from None
        raise PaperError(
            _("Someone on the sheet was just checked in at the door: type the sheet in again."),
            "door_meanwhile",
        ) from None
    return SheetOutcome(ticked=len(ticked), already_present=len(rows) - len(ticked), walk_ins=walk_ins)

