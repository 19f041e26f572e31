"""Calls for proposals, proposals, supports, comments, abuse reports and the municipality's answers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from app.accounts.models import Municipality, User
from app.core.enums import LabelledEnum
from app.core.time import UTCDateTime, utcnow
from app.core.translated import translated_property
from app.extensions import db

if TYPE_CHECKING:
    from app.programmes.models import Programme


class ProposalStatus(LabelledEnum):
    SUBMITTED = "submitted"
    UNDER_STUDY = "under_study"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    WITHDRAWN = "withdrawn"

    @classmethod
    def _labels(cls):
        return {
            cls.SUBMITTED: _l("Awaiting an answer"),
            cls.UNDER_STUDY: _l("Under study"),
            cls.ACCEPTED: _l("Accepted"),
            cls.REJECTED: _l("Rejected"),
            cls.IN_PROGRESS: _l("In progress"),
            cls.DONE: _l("Done"),
            cls.WITHDRAWN: _l("Withdrawn"),
        }

    @property
    def partial(self) -> str:
        """The template of what pages show for this state (its badge, in its colour)."""
        return f"proposals/states/_{self.value}.html"


class Channel(LabelledEnum):
    ONLINE = "online"
    ASSISTED = "assisted"
    PAPER = "paper"
    GROUP = "group"

    @classmethod
    def _labels(cls):
        return {
            cls.ONLINE: _l("Online"),
            cls.ASSISTED: _l("Assisted at the desk"),
            cls.PAPER: _l("Paper form"),
            cls.GROUP: _l("Group at an event"),
        }


class Phase(LabelledEnum):
    UPCOMING = "upcoming"
    SUBMISSION = "submission"
    PAUSE = "pause"
    SUPPORT = "support"
    REVIEW = "review"
    RESULTS = "results"

    @classmethod
    def _labels(cls):
        return {
            cls.UPCOMING: _l("Not open yet"),
            cls.SUBMISSION: _l("Submitting proposals"),
            cls.PAUSE: _l("Between two phases"),
            cls.SUPPORT: _l("Supporting proposals"),
            cls.REVIEW: _l("Municipal review"),
            cls.RESULTS: _l("Results"),
        }

    @property
    def is_between(self) -> bool:
        """Before the first phase or between two: the banner says when the next one opens."""
        return self in (Phase.UPCOMING, Phase.PAUSE)


class ChangedByRole(LabelledEnum):
    """Who changed a proposal's status, as the public history names them: a role, never a person."""

    AUTHOR = "author"
    ORGANISER = "organiser"
    REVIEWER = "reviewer"
    ADMINISTRATOR = "admin"

    @classmethod
    def _labels(cls):
        return {
            cls.AUTHOR: _l("The author"),
            cls.ORGANISER: _l("An organiser"),
            cls.REVIEWER: _l("The municipality"),
            cls.ADMINISTRATOR: _l("The programme's administration"),
        }


# Statuses a reviewer may give; "decisions" count as an answer in the results.
ANSWER_STATUSES = (
    ProposalStatus.UNDER_STUDY,
    ProposalStatus.ACCEPTED,
    ProposalStatus.REJECTED,
    ProposalStatus.IN_PROGRESS,
    ProposalStatus.DONE,
)
DECISION_STATUSES = (
    ProposalStatus.ACCEPTED,
    ProposalStatus.REJECTED,
    ProposalStatus.IN_PROGRESS,
    ProposalStatus.DONE,
)
ACCEPTED_STATUSES = (ProposalStatus.ACCEPTED, ProposalStatus.IN_PROGRESS, ProposalStatus.DONE)
WAITING_STATUSES = (ProposalStatus.SUBMITTED, ProposalStatus.UNDER_STUDY)


class ProposalCall(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    # Written in French, Arabic and/or English (app/core/translated.py).
    title_fr: Mapped[str | None] = mapped_column(sa.String(200))
    title_ar: Mapped[str | None] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200))
    description_fr: Mapped[str | None] = mapped_column(sa.Text)
    description_ar: Mapped[str | None] = mapped_column(sa.Text)
    description_en: Mapped[str | None] = mapped_column(sa.Text)
    submission_opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submission_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    support_opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    support_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    review_opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    results_at: Mapped[datetime] = mapped_column(UTCDateTime)
    support_cap: Mapped[int | None]  # how many proposals one person may support
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    municipality: Mapped[Municipality] = relationship(lazy="joined")
    programme: Mapped[Programme | None] = relationship()
    categories: Mapped[list[ProposalCategory]] = relationship(
        back_populates="call",
        order_by="ProposalCategory.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    title = translated_property("title")
    description = translated_property("description")

    def phase(self, now: datetime | None = None) -> Phase:
        now = now or utcnow()
        if now < self.submission_opens_at:
            return Phase.UPCOMING
        if now < self.submission_closes_at:
            return Phase.SUBMISSION
        if now < self.support_opens_at:
            return Phase.PAUSE
        if now < self.support_closes_at:
            return Phase.SUPPORT
        if now < self.review_opens_at:
            return Phase.PAUSE
        if now < self.results_at:
            return Phase.REVIEW
        return Phase.RESULTS

    @property
    def current_phase(self) -> Phase:
        return self.phase()

    @property
    def takes_proposals(self) -> bool:
        return self.current_phase == Phase.SUBMISSION

    @property
    def takes_supports(self) -> bool:
        return self.current_phase == Phase.SUPPORT

    @property
    def _phase_moments(self) -> tuple[datetime, ...]:
        return (
            self.submission_opens_at,
            self.submission_closes_at,
            self.support_opens_at,
            self.support_closes_at,
            self.review_opens_at,
            self.results_at,
        )

    @property
    def phase_changes_at(self) -> datetime | None:
        """When the current phase ends (or, before or between phases, when the next one opens)."""
        now = utcnow()
        return next((moment for moment in self._phase_moments if now < moment), None)

    def days_in_review(self, now: datetime | None = None) -> int | None:
        """Whole days since the review phase opened (None before)."""
        now = now or utcnow()
        return None if now < self.review_opens_at else (now - self.review_opens_at).days

    @property
    def review_started(self) -> bool:
        return utcnow() >= self.review_opens_at

    @property
    def zone(self) -> str:
        return self.municipality.timezone


class ProposalCategory(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal_call.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    name_fr: Mapped[str | None] = mapped_column(sa.String(80))
    name_ar: Mapped[str | None] = mapped_column(sa.String(80))
    name_en: Mapped[str | None] = mapped_column(sa.String(80))

    call: Mapped[ProposalCall] = relationship(back_populates="categories")

    name = translated_property("name")


class Proposal(db.Model):
    __table_args__ = (
        sa.Index("ix_proposal_by_supports", "call_id", "is_hidden", "support_count"),
        sa.Index("ix_proposal_by_date", "call_id", "is_hidden", "created_at"),
        # Counting a call's proposals by status reads only this index; the review queue (hidden ones
        # included) walks a call's proposals by supports without sorting them all.
        sa.Index("ix_proposal_call_status", "call_id", "is_hidden", "status"),
        sa.Index("ix_proposal_review", "call_id", "support_count", "status"),
        sa.CheckConstraint("support_count >= 0", name="support_count_not_negative"),
        sa.CheckConstraint("members_without_card >= 0", name="members_without_card_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal_call.id"))
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("proposal_category.id"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    participant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("participant.id"))
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(sa.String(10), default=Channel.ONLINE)
    group_name: Mapped[str | None] = mapped_column(sa.String(150))  # a group proposing at an event
    # A group's members who hold no desk card: only their number, so they can be counted, never named.
    members_without_card: Mapped[int] = mapped_column(sa.SmallInteger, default=0, server_default="0")
    title: Mapped[str] = mapped_column(sa.String(150))
    description: Mapped[str] = mapped_column(sa.Text)
    place: Mapped[str] = mapped_column(sa.String(150), default="")
    estimated_cost: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    photo_name: Mapped[str | None] = mapped_column(sa.String(80))  # proposals/<name> in app/core/storage.py
    status: Mapped[str] = mapped_column(sa.String(12), default=ProposalStatus.SUBMITTED, index=True)
    # The municipality's public answer, in French, Arabic and/or English.
    answer_text_fr: Mapped[str | None] = mapped_column(sa.Text)
    answer_text_ar: Mapped[str | None] = mapped_column(sa.Text)
    answer_text_en: Mapped[str | None] = mapped_column(sa.Text)
    first_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    support_count: Mapped[int] = mapped_column(default=0)  # kept equal to the supports' rows
    comment_count: Mapped[int] = mapped_column(default=0)
    is_hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    call: Mapped[ProposalCall] = relationship(lazy="joined")
    category: Mapped[ProposalCategory | None] = relationship(lazy="joined")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    history: Mapped[list[ProposalStatusChange]] = relationship(
        back_populates="proposal", order_by="ProposalStatusChange.changed_at"
    )

    answer_text = translated_property("answer_text")

    @property
    def group_size(self) -> int:
        """How many people a group proposal speaks for: the card holder who brought it, the members
        with a card and those without. Needs `member_count` (undeferred by queries.get_proposal)."""
        return (1 if self.participant_id else 0) + self.member_count + self.members_without_card

    @property
    def state(self) -> ProposalStatus:
        return ProposalStatus(self.status)

    @property
    def status_label(self) -> str:
        return ProposalStatus(self.status).label

    @property
    def is_withdrawn(self) -> bool:
        return self.status == ProposalStatus.WITHDRAWN

    @property
    def channel_label(self) -> str:
        return Channel(self.channel).label

    @property
    def is_waiting(self) -> bool:
        return self.status in WAITING_STATUSES

    def days_waiting(self, now: datetime | None = None) -> int | None:
        """Whole days since the review phase opened, while the proposal still awaits an answer."""
        return self.call.days_in_review(now) if self.is_waiting else None


class ProposalStatusChange(db.Model):
    """Public history of a proposal: the role that answered is shown, never the reviewer's name."""

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(12))
    answer_text_fr: Mapped[str | None] = mapped_column(sa.Text)
    answer_text_ar: Mapped[str | None] = mapped_column(sa.Text)
    answer_text_en: Mapped[str | None] = mapped_column(sa.Text)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_role: Mapped[str] = mapped_column(sa.String(12))  # author / reviewer / administrator
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    proposal: Mapped[Proposal] = relationship(back_populates="history")

    answer_text = translated_property("answer_text")

    @property
    def status_label(self) -> str:
        return ProposalStatus(self.status).label

    @property
    def role_label(self) -> str:
        return ChangedByRole(self.changed_by_role).label


class Support(db.Model):
    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "user_id"),
        sa.Index("ix_support_user_call", "user_id", "call_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal_call.id"))  # for the per-call cap
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Comment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comment.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    is_hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")


class AbuseReport(db.Model):
    """A report of an abusive proposal or comment, resolved by a reviewer or an administrator."""

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("proposal.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comment.id", ondelete="CASCADE"))
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(sa.String(12))  # hidden / restored / dismissed
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    proposal: Mapped[Proposal | None] = relationship()
    comment: Mapped[Comment | None] = relationship()


class ProposalMember(db.Model):
    """A member of a group proposal who holds a desk card, entered by the organiser at the desk: the
    "people who proposed" target counts them once each. Personal data: never shown publicly (the
    proposal page gives only the group's size), in the person's export, removed when they are erased."""

    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id"), primary_key=True, index=True)


# Counted beside the proposal in its own statement (a correlated subquery), only where a page asks.
Proposal.member_count = column_property(
    sa.select(sa.func.count())
    .where(ProposalMember.proposal_id == Proposal.id)
    .correlate_except(ProposalMember)
    .scalar_subquery(),
    deferred=True,
)
