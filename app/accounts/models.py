"""People, the municipalities they belong to, their roles, and the participation data they consent to."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.enums import LabelledEnum
from app.core.time import UTCDateTime, utcnow
from app.extensions import db


class AgeBand(LabelledEnum):
    """Bands used for anonymous walk-ins and desk visits, and in reports (age at the date of the event
    or visit). The events and directory domains both record them, so they live here."""

    CHILD = "0-14"
    YOUTH = "15-24"
    ADULT = "25-59"
    SENIOR = "60+"

    @classmethod
    def _labels(cls):
        return {
            cls.CHILD: _l("Under 15"),
            cls.YOUTH: _l("15 to 24"),
            cls.ADULT: _l("25 to 59"),
            cls.SENIOR: _l("60 and over"),
        }


class Gender(LabelledEnum):
    WOMAN = "woman"
    MAN = "man"
    UNDISCLOSED = "undisclosed"

    @classmethod
    def _labels(cls):
        return {cls.WOMAN: _l("Woman"), cls.MAN: _l("Man"), cls.UNDISCLOSED: _l("Prefer not to say")}


class Origin(LabelledEnum):
    HOST = "host"
    MIGRANT = "migrant"
    REFUGEE = "refugee"
    RETURNEE = "returnee"
    UNDISCLOSED = "undisclosed"

    @classmethod
    def _labels(cls):
        return {
            cls.HOST: _l("Host community"),
            cls.MIGRANT: _l("Migrant"),
            cls.REFUGEE: _l("Refugee or asylum seeker"),
            cls.RETURNEE: _l("Returning migrant"),
            cls.UNDISCLOSED: _l("Prefer not to say"),
        }


class Role(LabelledEnum):
    ORGANISER = "organiser"
    REVIEWER = "reviewer"

    @classmethod
    def _labels(cls):
        return {cls.ORGANISER: _l("Organiser"), cls.REVIEWER: _l("Municipal reviewer")}


class Municipality(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name_fr: Mapped[str] = mapped_column(sa.String(120))
    name_ar: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    country_code: Mapped[str] = mapped_column(sa.String(2))  # ISO 3166-1 alpha-2: MA, TN
    timezone: Mapped[str] = mapped_column(sa.String(40))  # Africa/Casablanca, Africa/Tunis

    def name(self, locale: str) -> str:
        return getattr(self, f"name_{locale}", None) or self.name_fr


def new_record_key() -> int:
    """A random record key 0..255 (app/reports/cellkey.py): the reports perturb each figure by the
    sum of its records' keys, so the key is drawn once and never changes or shows anywhere."""
    return secrets.randbelow(256)


class Participant(db.Model):
    """One person as counted by the programme: an account holder, or someone known only by a card.

    Registrations and attendances point here, so a person counts once however they came in.
    Participation data is optional and kept only while consent is recorded.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    phone: Mapped[str | None] = mapped_column(sa.String(20))  # shared phone of a card holder
    # Asked at the desk (card holders) and on the preferences page (accounts): messages to a shared
    # phone carry no personal detail (no event title, no name, no proposal text).
    phone_shared: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    gender: Mapped[str | None] = mapped_column(sa.String(12))
    birth_year: Mapped[int | None] = mapped_column(sa.SmallInteger)
    origin: Mapped[str | None] = mapped_column(sa.String(12))
    country_code: Mapped[str | None] = mapped_column(sa.String(2))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # use_alter: user and participant point at each other.
    consent_recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", use_alter=True, ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the account holding this participant is deleted: name, phone and answers are erased,
    # the row stays so past attendances still count (anonymously) in the reports.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Drawn at creation for every participant (account, card holder, named walk-in).
    record_key: Mapped[int] = mapped_column(sa.SmallInteger, default=new_record_key, server_default="0")

    user: Mapped[User | None] = relationship(
        back_populates="participant", foreign_keys="User.participant_id"
    )
    cards: Mapped[list[ParticipantCard]] = relationship(back_populates="participant")

    @property
    def has_consented(self) -> bool:
        return self.consent_at is not None


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20), unique=True)  # E.164
    display_name: Mapped[str] = mapped_column(sa.String(80))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    preferred_locale: Mapped[str | None] = mapped_column(sa.String(5))
    # The municipality the person lives in or mostly attends (optional): reads local phone numbers.
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id", ondelete="SET NULL"))
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_disabled: Mapped[bool] = mapped_column(default=False)
    # Bumped to end every session of this person (sign-out everywhere, disabling, password change).
    session_version: Mapped[int] = mapped_column(default=1)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the person deletes their account: identifiers and name are erased, the row stays as the
    # anonymous author of their proposals and comments, shown as "Deleted account".
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set once the person typed the code sent by SMS or opened the link sent by email. Unconfirmed
    # accounts cannot register, propose or support, and are erased after 48 hours.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    participant: Mapped[Participant] = relationship(
        back_populates="user", foreign_keys=[participant_id], lazy="joined"
    )
    municipality: Mapped[Municipality | None] = relationship(foreign_keys=[municipality_id])
    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin",
        foreign_keys="RoleAssignment.user_id",
    )

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_staff(self) -> bool:
        return self.is_admin or bool(self.roles)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return not self.is_disabled

    def municipality_ids(self, role: Role) -> set[int]:
        return {r.municipality_id for r in self.roles if r.role == role}

    def has_role(self, role: Role, municipality_id: int | None = None) -> bool:
        if municipality_id is None:
            return any(r.role == role for r in self.roles)
        return municipality_id in self.municipality_ids(role)


class RoleAssignment(db.Model):
    __table_args__ = (sa.UniqueConstraint("user_id", "role", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(sa.String(12))
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])
    municipality: Mapped[Municipality] = relationship(lazy="joined")


class ParticipantCard(db.Model):
    """A printable card for people without email, phone or papers: QR and a short code read aloud.

    Reissuing a card deactivates the old one; the QR carries only the code, never the name.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    # Where the card was issued: its organisers serve the holder (app/events/desk_scope.py). None
    # for cards issued before it was recorded whose issuer organised for several municipalities.
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    participant: Mapped[Participant] = relationship(back_populates="cards")


class PasswordResetToken(db.Model):
    """A one-time link handed over at the information desk; only the token's hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))


class AccountConfirmation(db.Model):
    """The code (SMS) or link (email) that confirms a new account; only its hash is stored."""

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    link_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
