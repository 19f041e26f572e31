"""Desk visits and their referrals: a visit recorded in seconds at the information desk (its topics,
the directory's needs), the services the person was sent to, and later what came of each referral.

A visit is anonymous (gender, age band and origin, each optional, as for a walk-in at the door) or
linked to a participant card by its code; a linked visit carries no answers of its own: reports read
the card holder's, and only while their consent is recorded."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Municipality, Participant, new_record_key
from app.core.enums import LabelledEnum
from app.core.time import UTCDateTime, utcnow
from app.directory.models import Service
from app.directory.needs import Need
from app.extensions import db


class ReferralOutcome(LabelledEnum):
    NOT_YET = "not_yet"
    REACHED = "reached"
    REFUSED = "refused"
    UNKNOWN = "unknown"

    @classmethod
    def _labels(cls):
        return {
            cls.NOT_YET: _l("Not yet"),
            cls.REACHED: _l("Reached the service"),
            cls.REFUSED: _l("Refused by the service"),
            cls.UNKNOWN: _l("Unknown"),
        }


class DeskVisit(db.Model):
    __tablename__ = "desk_visit"
    __table_args__ = (sa.Index("ix_desk_visit_listing", "municipality_id", "visited_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"))
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    topics: Mapped[str] = mapped_column(sa.String(200), default="")  # "health,legal_aid"
    participant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("participant.id"), index=True)
    anonymous_gender: Mapped[str | None] = mapped_column(sa.String(12))
    anonymous_age_band: Mapped[str | None] = mapped_column(sa.String(8))
    anonymous_origin: Mapped[str | None] = mapped_column(sa.String(12))
    # An anonymous visit counts by this key in the reports' cell keys; a linked one by its person's.
    record_key: Mapped[int] = mapped_column(sa.SmallInteger, default=new_record_key, server_default="0")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    municipality: Mapped[Municipality] = relationship(lazy="joined")
    participant: Mapped[Participant | None] = relationship()
    referrals: Mapped[list[Referral]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="Referral.id"
    )

    @property
    def topic_list(self) -> list[Need]:
        return [Need(value) for value in self.topics.split(",") if value in Need._value2member_map_]

    @property
    def is_linked(self) -> bool:
        return self.participant_id is not None


class Referral(db.Model):
    __table_args__ = (sa.UniqueConstraint("visit_id", "service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("desk_visit.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id"), index=True)
    outcome: Mapped[str] = mapped_column(sa.String(12), default=ReferralOutcome.NOT_YET)
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    visit: Mapped[DeskVisit] = relationship(back_populates="referrals")
    service: Mapped[Service] = relationship(lazy="joined")

    @property
    def state(self) -> ReferralOutcome:
        return ReferralOutcome(self.outcome)
