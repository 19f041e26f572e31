"""Every write about people: accounts, passwords, consent, roles, reset links.

Each function validates, writes and commits (or raises AccountError with a translated message and a
stable code before anything is written).
"""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.accounts.confirmation import start_confirmation
from app.accounts.identifiers import looks_like_email, normalise_email, phone_candidates
from app.accounts.models import (
    Municipality,
    Participant,
    PasswordResetToken,
    Role,
    RoleAssignment,
    User,
)
from app.accounts.passwords import dummy_hash, hash_password, password_problem, verify_password
from app.core.audit import record_audit
from app.core.notifications import queue_notification
from app.core.security_log import security_event
from app.core.time import utcnow
from app.extensions import db


class AccountError(Exception):
    def __init__(self, message: str, code: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


# -- Signing up and in -------------------------------------------------------------------------


def _check_new_password(password: str, *context: str | None) -> None:
    problem = password_problem(password, tuple(item for item in context if item))
    if problem:
        raise AccountError(problem, code="weak_password", field="password")


def sign_up(
    *,
    email: str | None,
    phone: str | None,
    display_name: str,
    password: str,
    municipality: Municipality | None = None,
    locale: str | None = None,
) -> User | None:
    """Create an account, or None when its email or phone is taken: then nothing is created and the
    owner of that account is told (by email, when it has one). The caller answers the same way in
    both cases, so the form cannot tell anyone which identifiers have an account.

    `email` and `phone` are already normalised (at least one is given)."""
    if not email and not phone:
        raise AccountError(_("Give an email address or a phone number."), code="no_identifier")
    _check_new_password(password, email, phone, display_name)
    # Hash first, whatever happens next: a taken identifier takes as long to answer as a free one.
    password_hash = hash_password(password)
    if _tell_owners_of_a_sign_up_attempt(email, phone):
        return None
    display_name = display_name.strip()
    user = User(
        email=email,
        phone=phone,
        display_name=display_name,
        password_hash=password_hash,
        preferred_locale=locale,
        municipality=municipality,
        participant=Participant(display_name=display_name),
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # the same identifier signed up a moment ago
        db.session.rollback()
        _tell_owners_of_a_sign_up_attempt(email, phone)
        return None
    start_confirmation(user)
    db.session.commit()
    return user


def _tell_owners_of_a_sign_up_attempt(email: str | None, phone: str | None) -> bool:
    """Whether an account uses this email or phone; if so, a message for its owner goes to the
    outbox (on their own channel) saying nothing about who tried."""
    conditions = []
    if email:
        conditions.append(User.email == email)
    if phone:
        conditions.append(User.phone == phone)
    owners = list(db.session.scalars(sa.select(User).where(sa.or_(*conditions)).order_by(User.id)))
    for owner in owners:
        security_event("sign_up.identifier_taken", user=owner.id)
        if not owner.is_disabled and not owner.is_deleted:
            queue_notification(owner.participant_id, "sign_up_attempt",
                               forgot_password_link=_canonical_link("accounts.forgot_password"))
    db.session.commit()
    return bool(owners)


def service_regions() -> tuple[str, ...]:
    return tuple(db.session.scalars(sa.select(Municipality.country_code).distinct()).all())


def find_by_identifier(identifier: str) -> list[User]:
    """The accounts an email address or phone number (as typed) may name: none, one, rarely two."""
    identifier = (identifier or "").strip()
    if not identifier:
        return []
    if looks_like_email(identifier):
        try:
            email = normalise_email(identifier)
        except ValueError:
            return []
        return list(db.session.scalars(sa.select(User).where(User.email == email)))
    numbers = phone_candidates(identifier, service_regions())
    if not numbers:
        return []
    return list(db.session.scalars(sa.select(User).where(User.phone.in_(numbers)).order_by(User.id)))


def authenticate(identifier: str, password: str) -> User | None:
    """The account whose identifier and password match, or None. An unknown identifier is checked
    against a dummy hash, so both answers take the same time."""
    candidates = find_by_identifier(identifier)
    if not candidates:
        verify_password(dummy_hash(), password)
        return None
    for user in candidates:
        if verify_password(user.password_hash, password):
            return user
    return None


def sign_in(identifier: str, password: str) -> User:
    """The account to start a session for; one message for every wrong identifier or password."""
    user = authenticate(identifier, password)
    if user is None:
        security_event("sign_in.failed")
        raise AccountError(
            _("This email address or phone number and this password do not match. Check them and try again."),
            code="credentials",
        )
    if user.is_disabled:
        security_event("sign_in.refused_disabled", user=user.id)
        # Said only to someone who knows the password.
        raise AccountError(_("This account is disabled. Ask an administrator of your programme."),
                           code="disabled")
    user.last_sign_in_at = utcnow()
    db.session.commit()
    security_event("sign_in.succeeded", user=user.id)
    return user


def end_all_sessions(user: User) -> None:
    """Every session of this person ends on its next request (the cookie names the old version)."""
    user.session_version = User.session_version + 1
    db.session.commit()
    db.session.refresh(user)


# -- Profile, language and participation data ----------------------------------------------------


def update_profile(
    user: User, *, display_name: str, preferred_locale: str, municipality: Municipality | None
) -> None:
    if preferred_locale not in current_app.config["LANGUAGES"]:
        raise AccountError(_("Choose one of the languages offered."), code="locale", field="preferred_locale")
    user.display_name = display_name.strip()
    user.participant.display_name = user.display_name
    user.preferred_locale = preferred_locale
    user.municipality = municipality
    db.session.commit()


def give_consent(user: User) -> None:
    participant = user.participant
    if participant.consent_at is None:
        participant.consent_at = utcnow()
        participant.consent_recorded_by_id = user.id
        db.session.commit()


def update_participation(
    user: User, *, gender: str | None, birth_year: int | None, origin: str | None, country_code: str | None
) -> None:
    participant = user.participant
    if participant.consent_at is None:
        raise AccountError(
            _("Tick the consent box before giving these details."), code="no_consent", field="consent"
        )
    participant.gender = gender or None
    participant.birth_year = birth_year
    participant.origin = origin or None
    participant.country_code = country_code or None
    db.session.commit()


def withdraw_consent(user: User) -> None:
    """Erase the participation data with the consent: nothing stays behind to be counted."""
    clear_participation(user.participant)
    db.session.commit()


def clear_participation(participant: Participant) -> None:
    """The answers and the consent that allowed them, erased together, through the ORM so the
    reports' roll-ups follow in the same flush (the person then counts as "not recorded").
    The caller commits: an account's withdrawal, the desk's, or an erasure."""
    participant.gender = None
    participant.birth_year = None
    participant.origin = None
    participant.country_code = None
    participant.consent_at = None
    participant.consent_recorded_by_id = None


# -- Passwords -----------------------------------------------------------------------------------


def change_password(user: User, *, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise AccountError(_("Your current password is not right."), code="wrong_password",
                           field="current_password")
    _check_new_password(new_password, user.email, user.phone, user.display_name)
    user.password_hash = hash_password(new_password)
    _invalidate_reset_links(user)
    user.session_version = User.session_version + 1
    record_audit("account.password_changed", actor=user, target=user)
    db.session.commit()
    db.session.refresh(user)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _invalidate_reset_links(user: User) -> None:
    db.session.execute(
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
    )


def reset_link_for(token: str) -> str:
    """The link handed over or sent: built on the canonical address, never the request's Host."""
    return _canonical_link("accounts.open_reset_link", token=token)


def _canonical_link(endpoint: str, **values) -> str:
    """A link for a message: on the canonical address, never the request's Host header."""
    from flask import url_for

    return current_app.config["JIWAR_CANONICAL_URL"].rstrip("/") + url_for(endpoint, **values)


def _new_reset_token(user: User, actor: User | None) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + timedelta(hours=current_app.config["JIWAR_RESET_LINK_HOURS"]),
            created_by_id=actor.id if actor else None,
        )
    )
    return token


def issue_reset_link(actor: User, user: User) -> str:
    """A one-time link for a person who cannot receive messages, to hand over on screen.
    Earlier links of that person stop working. Returns the link (its token is stored hashed)."""
    from app.accounts.permissions import can_issue_reset_link

    if not can_issue_reset_link(actor, user):
        raise AccountError(_("You cannot issue a password link for this account."), code="forbidden")
    _invalidate_reset_links(user)
    token = _new_reset_token(user, actor)
    record_audit("account.reset_link_issued", actor=actor, target=user,
                 by="admin" if actor.is_admin else "organiser")
    db.session.commit()
    return reset_link_for(token)


def presence_check_kind(user: User) -> str:
    """What the desk asks the person to say: the last 4 digits of their phone, or their email."""
    return "phone_digits" if user.phone else "email"


def _presence_confirmed(user: User, said: str) -> bool:
    said = (said or "").strip()
    if user.phone:
        digits = "".join(ch for ch in said if ch.isdigit())
        return len(digits) == 4 and secrets.compare_digest(digits, user.phone[-4:])
    try:
        email = normalise_email(said) or ""
    except ValueError:
        return False
    return secrets.compare_digest(email.encode(), (user.email or "").encode())


def issue_desk_reset_link(actor: User, user: User, said: str, desk: Municipality | None) -> str:
    """A password link given at the information desk, once the person said what only they should
    know at a glance (the end of their phone number, or their email address). The account holder is
    told through the outbox, so a link given to someone else does not go unnoticed."""
    from app.accounts.permissions import can_issue_reset_link

    if not can_issue_reset_link(actor, user):
        raise AccountError(_("You cannot issue a password link for this account."), code="forbidden")
    kind = presence_check_kind(user)
    if not _presence_confirmed(user, said):
        message = (
            _("These are not the last 4 digits of this account's phone number. Ask the person again.")
            if kind == "phone_digits"
            else _("This is not the email address of this account. Ask the person again.")
        )
        raise AccountError(message, code="presence_mismatch", field="said")
    _invalidate_reset_links(user)
    token = _new_reset_token(user, actor)
    now = utcnow()
    record_audit("account.reset_link_issued", actor=actor, target=user,
                 by="admin" if actor.is_admin else "organiser", check=kind,
                 municipality_id=desk.id if desk else None)
    queue_notification(user.participant_id, "desk_reset_link_given",
                       municipality=desk.name(user.preferred_locale or "fr") if desk else None,
                       municipality_id=desk.id if desk else None, given_at=now.isoformat())
    # The link also goes to the person's own phone (or email): no need to photograph the QR code.
    queue_notification(user.participant_id, "password_reset", link=reset_link_for(token),
                       hours=current_app.config["JIWAR_RESET_LINK_HOURS"],
                       channel="sms" if user.phone else "email")
    db.session.commit()
    return reset_link_for(token)


def request_password_reset(identifier: str) -> None:
    """"Forgot your password?": a link goes to the outbox for an account with that identifier.
    The caller answers the same way whether or not one exists."""
    for user in find_by_identifier(identifier):
        if user.is_disabled:
            continue
        token = _new_reset_token(user, actor=None)
        queue_notification(user.participant_id, "password_reset", link=reset_link_for(token),
                           hours=current_app.config["JIWAR_RESET_LINK_HOURS"])
    db.session.commit()


def reset_token_state(token: str) -> tuple[str, PasswordResetToken | None]:
    """("valid" | "unknown" | "used" | "expired", the token row) of a link as opened."""
    query = sa.select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(token))
    row = db.session.scalar(query)
    return _token_row_state(row), row


def reset_link_state(token_id: int | None) -> str:
    """The state of a link opened earlier, by the id its session keeps."""
    return _token_row_state(db.session.get(PasswordResetToken, token_id) if token_id else None)


def _token_row_state(row: PasswordResetToken | None) -> str:
    if row is None:
        return "unknown"
    if row.used_at is not None:
        return "used"
    if row.expires_at <= utcnow():
        return "expired"
    return "valid"


RESET_LINK_MESSAGES = {
    "unknown": lambda: _("This link is not valid. Check that it was copied in full, or ask for a new one."),
    "used": lambda: _("This link has already been used. Ask at the information desk for a new one."),
    "expired": lambda: _("This link has expired. Ask at the information desk for a new one."),
}


def reset_password(token_id: int, new_password: str) -> User:
    """Use a one-time link (opened earlier, `token_id` from the session): set the new password,
    spend the link, end every session."""
    query = sa.select(PasswordResetToken).where(PasswordResetToken.id == token_id)
    if db.session.get_bind().dialect.name == "postgresql":
        # Two tabs sending the same link: one wins. populate_existing, because the page already
        # loaded this row before the lock, and its used_at must be read again once we hold it.
        query = query.with_for_update().execution_options(populate_existing=True)
    row = db.session.scalar(query)
    state = _token_row_state(row)
    if state != "valid":
        raise AccountError(RESET_LINK_MESSAGES[state](), code=f"link_{state}")
    user = db.session.get(User, row.user_id)
    _check_new_password(new_password, user.email, user.phone, user.display_name)
    user.password_hash = hash_password(new_password)
    _invalidate_reset_links(user)  # spends this link and any other
    user.session_version = User.session_version + 1
    record_audit("account.password_reset", actor=user, target=user)
    db.session.commit()
    db.session.refresh(user)
    return user


# -- Administration ------------------------------------------------------------------------------


def grant_role(actor: User, user: User, role: Role, municipality: Municipality) -> RoleAssignment | None:
    """Idempotent: granting a role the person already holds changes nothing."""
    if user.is_deleted:
        raise AccountError(_("This account has been deleted."), code="deleted")
    existing = next(
        (r for r in user.roles if r.role == role and r.municipality_id == municipality.id), None
    )
    if existing is not None:
        return existing
    assignment = RoleAssignment(user=user, role=role, municipality=municipality, granted_by_id=actor.id)
    db.session.add(assignment)
    db.session.flush()
    record_audit("role.granted", actor=actor, target=user, role=str(role), municipality_id=municipality.id)
    try:
        db.session.commit()
    except IntegrityError:  # granted by someone else at the same moment
        db.session.rollback()
        return None
    return assignment


def withdraw_role(actor: User, assignment: RoleAssignment) -> None:
    user = assignment.user
    record_audit("role.withdrawn", actor=actor, target=user, role=assignment.role,
                 municipality_id=assignment.municipality_id)
    user.roles.remove(assignment)
    db.session.commit()


def set_disabled(actor: User, user: User, disabled: bool) -> None:
    if user.id == actor.id and disabled:
        raise AccountError(_("You cannot disable your own account."), code="self")
    if user.is_deleted:
        raise AccountError(_("This account has been deleted."), code="deleted")
    if user.is_disabled == disabled:
        return
    user.is_disabled = disabled
    if disabled:
        user.session_version = User.session_version + 1
        _invalidate_reset_links(user)
    record_audit("account.disabled" if disabled else "account.enabled", actor=actor, target=user)
    db.session.commit()
    db.session.refresh(user)


def create_admin(*, email: str | None, phone: str | None, display_name: str, password: str) -> User:
    """`flask jiwar create-admin`: a new administrator, or an existing account made one."""
    _check_new_password(password, email, phone, display_name)
    existing = find_by_identifier(email or "") + find_by_identifier(phone or "")
    if existing:
        user = existing[0]
        user.is_admin = True
        user.is_disabled = False
        user.password_hash = hash_password(password)
        user.session_version = User.session_version + 1
        user.confirmed_at = user.confirmed_at or utcnow()
    else:
        user = User(
            email=email, phone=phone, display_name=display_name.strip(), is_admin=True, confirmed_at=utcnow(),
            password_hash=hash_password(password), participant=Participant(display_name=display_name.strip()),
        )
        db.session.add(user)
    db.session.flush()
    record_audit("account.made_admin", actor=None, target=user, via="cli")
    db.session.commit()
    return user
