"""Every write of the reports domain: programmes, targets, what is attached to a programme, and the
record of each view of exact figures. Each function commits its own change."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.models import Municipality
from app.accounts.municipalities import municipalities_by_id
from app.core.audit import record_audit
from app.core.translated import write_texts
from app.events.models import AttendanceTally, Event
from app.events.services.locking import lock_event
from app.extensions import db
from app.programmes.age_bands import AgeBandsError, age_bands_text, parse_age_bands
from app.programmes.covers import covers
from app.programmes.models import Programme
from app.proposals.models import ProposalCall
from app.reports import rollups, walk_in_cells
from app.reports.links import programme_call_ids, programme_event_ids
from app.reports.models import WALK_IN_MEASURES, Measure, Target, call_cofunder, event_cofunder


class ReportError(Exception):
    """A refused change, with a translated message for the person and a stable code for code."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _municipalities(ids: list[int]) -> list[Municipality]:
    found = municipalities_by_id(set(ids))
    if not found or len(found) != len(set(ids)):
        raise ReportError(_("Choose at least one municipality."), code="no_municipality")
    return found


def _check_period(starts_on, ends_on) -> None:
    if ends_on < starts_on:
        raise ReportError(_("The end date must be on or after the start date."), code="period")


def _age_bands(text: str | None) -> str:
    try:
        return age_bands_text(parse_age_bands(text))
    except AgeBandsError as error:
        raise ReportError(str(error), code="age_bands") from error


def create_programme(
    actor, *, name, description, starts_on, ends_on, municipality_ids, is_public, age_bands=""
) -> Programme:
    _check_period(starts_on, ends_on)
    bands = _age_bands(age_bands)
    programme = Programme(
        starts_on=starts_on,
        ends_on=ends_on,
        is_public=is_public,
        municipalities=_municipalities(municipality_ids),
        age_bands=bands,
    )
    write_texts(programme, "name", name)
    write_texts(programme, "description", description)
    db.session.add(programme)
    db.session.flush()
    record_audit("programme.created", actor, programme)
    db.session.commit()
    return programme


def update_programme(
    actor, programme: Programme, *, name, description, starts_on, ends_on, municipality_ids, is_public,
    age_bands="",
) -> Programme:
    _check_period(starts_on, ends_on)
    bands = _age_bands(age_bands)
    municipalities = _municipalities(municipality_ids)
    kept = [m.id for m in municipalities]
    in_use = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Event)
        .where(Event.id.in_(programme_event_ids(programme.id)), Event.municipality_id.not_in(kept))
    ) + db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ProposalCall)
        .where(
            ProposalCall.id.in_(programme_call_ids(programme.id)),
            ProposalCall.municipality_id.not_in(kept),
        )
    )
    if in_use:
        raise ReportError(
            _("Events or calls of a municipality you removed are still attached: detach them first."),
            code="municipality_in_use",
        )
    write_texts(programme, "name", name)
    write_texts(programme, "description", description)
    programme.starts_on, programme.ends_on = starts_on, ends_on
    programme.is_public = is_public
    programme.age_bands = bands
    programme.municipalities = municipalities
    record_audit("programme.updated", actor, programme)
    db.session.commit()
    return programme


def delete_programme(actor, programme: Programme) -> None:
    """Only an empty programme goes: figures already reported to a funder must not vanish."""
    attached = db.session.scalar(
        sa.select(sa.func.count()).select_from(Event).where(Event.id.in_(programme_event_ids(programme.id)))
    ) + db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ProposalCall)
        .where(ProposalCall.id.in_(programme_call_ids(programme.id)))
    )
    if attached:
        raise ReportError(
            _("Detach the programme's events and calls before deleting it."), code="programme_in_use"
        )
    record_audit("programme.deleted", actor, programme)
    db.session.delete(programme)
    db.session.commit()


def _check_target(data: dict) -> None:
    if data["measure"] == Measure.PEOPLE_MIN_SESSIONS and not data.get("min_sessions"):
        raise ReportError(_("Say how many sessions a person must attend."), code="min_sessions")
    if (
        data.get("age_min") is not None
        and data.get("age_max") is not None
        and data["age_min"] > data["age_max"]
    ):
        raise ReportError(_("The lowest age must not be above the highest age."), code="age_range")
    if bool(data.get("share_dimension")) != bool(data.get("share_min_percent")):
        raise ReportError(_("A share target needs both a group and a percentage."), code="share")


def save_target(actor, programme: Programme, data: dict, target: Target | None = None) -> Target:
    """Create a target (`target` None) or change one. `data` holds the Target's columns."""
    _check_target(data)
    if data["measure"] != Measure.PEOPLE_MIN_SESSIONS:
        data = {**data, "min_sessions": None}
    if data["measure"] not in WALK_IN_MEASURES:  # the rule says nothing elsewhere: keep it off
        data = {**data, "walk_ins_as_people": False}
    data = dict(data)
    title = data.pop("title")  # {language: text}, or one text in its own language
    if target is None:
        position = len(programme.targets)
        target = Target(programme=programme, position=position, **data)
        write_texts(target, "title", title)
        db.session.add(target)
        db.session.flush()
        record_audit("target.created", actor, target, programme_id=programme.id)
    else:
        for name, value in data.items():
            setattr(target, name, value)
        write_texts(target, "title", title)
        record_audit("target.updated", actor, target, programme_id=programme.id)
    db.session.commit()
    return target


def delete_target(actor, target: Target) -> None:
    record_audit("target.deleted", actor, target, programme_id=target.programme_id)
    db.session.delete(target)
    db.session.commit()


def _linked_object(kind: str, object_id: int):
    """The event or call to attach or detach. An event is read under its row lock: door phones
    checking people in or counting walk-ins there meanwhile finish first, or wait until this
    commits, so no presence is counted in one of its programmes and not in the other."""
    if kind == "event":
        found = lock_event(object_id)
    else:
        found = db.session.get(ProposalCall, object_id) if kind == "call" else None
    if found is None:
        raise ReportError(_("This event or call no longer exists."), code="not_found")
    return found


_COFUNDERS = {"event": (event_cofunder, "event_id"), "call": (call_cofunder, "call_id")}


def _is_cofunder(kind: str, programme: Programme, object_id: int) -> bool:
    table, column = _COFUNDERS[kind]
    row = sa.select(table.c[column]).where(table.c[column] == object_id, table.c.programme_id == programme.id)
    return db.session.scalar(row) is not None


def _recount_event(kind: str, object_id: int) -> None:
    """The people of an event whose further programmes changed are counted again, in this
    transaction (a change of its own programme is followed by the events' signal instead)."""
    if kind != "event":
        return  # proposals and supports are counted from the calls on each reading
    people = db.session.scalars(
        sa.select(AttendanceTally.participant_id).where(AttendanceTally.event_id == object_id)
    ).all()
    if people:
        rollups.recount_people(db.session.connection(), list(people))


def _move_walk_ins(kind: str, object_id: int, programme: Programme, sign: int) -> None:
    """An event's anonymous walk-ins go on (1) or come off (-1) a further programme's totals."""
    if kind == "event":
        walk_in_cells.move(db.session.connection(), [object_id], sign, programme.id)


def attach(actor, programme: Programme, kind: str, object_id: int) -> None:
    """Count an event or a call for proposals towards the programme. One that already counts
    towards another programme stays there and counts towards both (co-funded), once in each."""
    found = _linked_object(kind, object_id)
    if not covers(programme, found.municipality_id):
        raise ReportError(
            _("Only events and calls of the programme's municipalities can be attached."),
            code="wrong_municipality",
        )
    if found.programme_id == programme.id or _is_cofunder(kind, programme, object_id):
        raise ReportError(_("This event or call already counts towards the programme."), code="attached")
    if found.programme_id is None:
        found.programme_id = programme.id
    else:
        table, column = _COFUNDERS[kind]
        db.session.execute(sa.insert(table).values({column: object_id, "programme_id": programme.id}))
        _move_walk_ins(kind, object_id, programme, 1)
        _recount_event(kind, object_id)
    record_audit(f"programme.{kind}_attached", actor, programme, object_id=object_id)
    db.session.commit()


def detach(actor, programme: Programme, kind: str, object_id: int) -> None:
    found = _linked_object(kind, object_id)
    if found.programme_id == programme.id:
        found.programme_id = None
    elif _is_cofunder(kind, programme, object_id):
        table, column = _COFUNDERS[kind]
        _move_walk_ins(kind, object_id, programme, -1)  # while the event still counts there
        db.session.execute(
            sa.delete(table).where(table.c[column] == object_id, table.c.programme_id == programme.id)
        )
        _recount_event(kind, object_id)
    else:
        raise ReportError(_("This event or call is not part of the programme."), code="not_attached")
    record_audit(f"programme.{kind}_detached", actor, programme, object_id=object_id)
    db.session.commit()


def record_exact_view(actor, what: str, target=None, **filters) -> None:
    """Each view or download of exact, unprotected figures leaves a trace (filters only, no people)."""
    record_audit(
        "reports.exact_figures_viewed",
        actor,
        target,
        view=what,
        **{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in filters.items()},
    )
    db.session.commit()
