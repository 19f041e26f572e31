"""The targets funders hold programmes to, and the roll-ups reports count from."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.core.enums import LabelledEnum
from app.core.translated import translated_property
from app.extensions import db
from app.programmes.models import Programme


class Measure(LabelledEnum):
    PEOPLE = "people"
    ATTENDANCES = "attendances"
    PEOPLE_MIN_SESSIONS = "people_min_sessions"
    PROPOSALS = "proposals"
    PROPOSERS = "proposers"
    SUPPORTERS = "supporters"
    PEOPLE_REFERRED = "people_referred"
    REFERRALS_COMPLETED = "referrals_completed"

    @classmethod
    def _labels(cls):
        return {
            cls.PEOPLE: _l("Distinct people who attended"),
            cls.ATTENDANCES: _l("Attendances"),
            cls.PEOPLE_MIN_SESSIONS: _l("People who attended at least N sessions"),
            cls.PROPOSALS: _l("Proposals submitted"),
            cls.PROPOSERS: _l("People who proposed"),
            cls.SUPPORTERS: _l("Residents who supported a proposal"),
            cls.PEOPLE_REFERRED: _l("People referred to services at the desk"),
            cls.REFERRALS_COMPLETED: _l("Referrals completed (the person reached the service)"),
        }


# Co-funded activities: the further programmes an event or a call counts towards, beside the one
# it names itself (Event.programme_id, ProposalCall.programme_id, chosen on its own form). Attaching
# an event or a call to a second programme adds a row here instead of moving it; it then counts
# once in each programme (app/reports/links.py says which events and calls a programme counts).
event_cofunder = sa.Table(
    "event_cofunder",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("programme_id", sa.ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)
call_cofunder = sa.Table(
    "call_cofunder",
    db.metadata,
    sa.Column("call_id", sa.ForeignKey("proposal_call.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("programme_id", sa.ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)


# The measures of distinct people that anonymous walk-ins could be added to (each as one person).
WALK_IN_MEASURES = (Measure.PEOPLE,)


class Target(db.Model):
    """An indicator: a measure, optional filters, a number to reach, and an optional share target
    on one breakdown ("women >= 50%")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    title_fr: Mapped[str | None] = mapped_column(sa.String(200))
    title_ar: Mapped[str | None] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200))
    measure: Mapped[str] = mapped_column(sa.String(24))
    event_types: Mapped[str] = mapped_column(sa.String(120), default="")  # "awareness,open_day"
    age_min: Mapped[int | None] = mapped_column(sa.SmallInteger)
    age_max: Mapped[int | None] = mapped_column(sa.SmallInteger)
    min_sessions: Mapped[int | None] = mapped_column(sa.SmallInteger)
    goal: Mapped[int]
    share_dimension: Mapped[str | None] = mapped_column(sa.String(12))  # gender / origin
    share_value: Mapped[str | None] = mapped_column(sa.String(12))  # woman / migrant
    share_min_percent: Mapped[int | None] = mapped_column(sa.SmallInteger)
    # Distinct people: whether each anonymous walk-in counts as one more person (an estimate: the
    # same person may walk in twice) or is left out (the page says how many were).
    walk_ins_as_people: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    # Programme.targets is added from here: programmes know nothing of what reports measure.
    programme: Mapped[Programme] = relationship(
        # Then by id: targets made outside the form (scripts, imports) may share a position.
        backref=backref("targets", cascade="all, delete-orphan", order_by="(Target.position, Target.id)")
    )

    title = translated_property("title")


class ProgrammeTally(db.Model):
    """Sessions attended per person, programme, municipality, event type and year of the event: the
    attendance tally (app/events/tally.py) rolled up per programme, kept in step in the same
    transaction (app/reports/rollups.py). Targets and filtered reports of a programme count from it."""

    __tablename__ = "programme_tally"

    programme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), primary_key=True)
    event_type: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    sessions: Mapped[int] = mapped_column(default=0, server_default="0")

    __table_args__ = (
        # A target restricted to event types reads just those rows.
        sa.Index("ix_programme_tally_type", "programme_id", "event_type", "participant_id"),
        # Recounting one person reads their rows.
        sa.Index("ix_programme_tally_participant", "participant_id"),
    )


class _PersonFigures:
    """What reports may say of one person (gender, origin, country and birth year only while their
    consent is recorded, else empty), the first and last year they attended and their sessions per
    age band at the event. Rebuilt from the programme tally and the person each time either changes
    (app/reports/rollups.py)."""

    gender: Mapped[str | None] = mapped_column(sa.String(12))
    origin: Mapped[str | None] = mapped_column(sa.String(12))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    birth_year: Mapped[int | None] = mapped_column(sa.SmallInteger)
    first_year: Mapped[int]
    last_year: Mapped[int]
    sessions_child: Mapped[int] = mapped_column(default=0)
    sessions_youth: Mapped[int] = mapped_column(default=0)
    sessions_adult: Mapped[int] = mapped_column(default=0)
    sessions_senior: Mapped[int] = mapped_column(default=0)
    sessions_unknown: Mapped[int] = mapped_column(default=0)  # no consent or no birth year
    record_key: Mapped[int] = mapped_column(sa.SmallInteger, server_default="0")  # the participant's


class ProgrammePerson(_PersonFigures, db.Model):
    """One row per person who attended a programme: its distinct people and breakdowns are one pass
    over one row per person."""

    __tablename__ = "programme_person"

    programme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class MunicipalityPerson(_PersonFigures, db.Model):
    """One row per person who attended a programme's events in a municipality: the same for one
    municipality's part of a programme (its organisers' report)."""

    __tablename__ = "municipality_person"

    programme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True
    )
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True, index=True
    )



class ProgrammeTypePerson(_PersonFigures, db.Model):
    """One row per person who attended a programme's events of one type: a target on one event type
    ("people trained") counts its distinct people from these rows' totals (ProgrammeCell). `best`:
    the most sessions the person attended of one such event, for "at least N sessions"."""

    __tablename__ = "programme_type_person"

    programme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True
    )
    event_type: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    best: Mapped[int] = mapped_column(default=0)


class ProgrammeCell(db.Model):
    """The totals of the one-row-per-person roll-ups (ProgrammePerson, MunicipalityPerson,
    ProgrammeTypePerson), kept in step with them in the same transaction (app/reports/cells.py): how
    many people ("p") or registered attendances ("a"), and the sum of their record keys, per
    programme, municipality (0: all of them), event type ("": all), gender, origin, age band (of the
    person at their first event for people, at the event for attendances), country and, for people
    of one type, the most sessions attended of one event. Kind "y" counts people by gender and age in
    whole years at their first event (in `age_band`; origin and country left ""), for the sex x age
    tables, whose bands are each programme's own. A whole programme's report and most targets read a
    few hundred of these rows instead of one per person. "" stands for "not said"."""

    __tablename__ = "programme_cell"

    programme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True
    )
    municipality_id: Mapped[int] = mapped_column(primary_key=True)  # 0: the whole programme
    event_type: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(1), primary_key=True)
    gender: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    origin: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    age_band: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    country: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    best: Mapped[int] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    key_sum: Mapped[int] = mapped_column(sa.BigInteger, default=0)
