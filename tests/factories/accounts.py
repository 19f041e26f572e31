"""People, municipalities and roles; the seven-role cast every access test walks."""

import itertools

from app.accounts.models import Municipality, Participant, Role, RoleAssignment, User
from app.accounts.passwords import hash_password
from app.extensions import db

_counter = itertools.count(1)
PASSWORD = "correct horse battery"  # noqa: S105
_PASSWORD_HASH = None


def _password_hash() -> str:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = hash_password(PASSWORD)
    return _PASSWORD_HASH


def make_municipality(slug: str = "oujda", **fields) -> Municipality:
    defaults = {
        "oujda": ("Oujda", "وجدة", "MA", "Africa/Casablanca"),
        "raoued": ("Raoued", "رواد", "TN", "Africa/Tunis"),
        "la-marsa": ("La Marsa", "المرسى", "TN", "Africa/Tunis"),
    }
    name, name_ar, country, zone = defaults.get(slug, (slug.title(), slug, "MA", "Africa/Casablanca"))
    municipality = Municipality(
        slug=slug,
        name_fr=fields.pop("name_fr", name),
        name_ar=fields.pop("name_ar", name_ar),
        name_en=fields.pop("name_en", name),
        country_code=fields.pop("country_code", country),
        timezone=fields.pop("timezone", zone),
        **fields,
    )
    db.session.add(municipality)
    db.session.commit()
    return municipality


def make_user(
    display_name: str | None = None,
    *,
    email: str | None = None,
    phone: str | None = None,
    is_admin: bool = False,
    roles: list[tuple[str, Municipality]] = (),
    municipality: Municipality | None = None,
    confirmed: bool = True,
    **participant_fields,
) -> User:
    """An account; confirmed (as if its code was typed) unless `confirmed=False`."""
    from app.core.time import utcnow

    confirmed_at = utcnow() if confirmed else None
    n = next(_counter)
    name = display_name or f"Person {n}"
    if email is None and phone is None:
        email = f"person{n}@example.org"
    user = User(
        email=email,
        phone=phone,
        display_name=name,
        password_hash=_password_hash(),
        is_admin=is_admin,
        confirmed_at=confirmed_at,
        municipality=municipality,
        participant=Participant(display_name=name, **participant_fields),
    )
    user.roles = [RoleAssignment(role=role, municipality=m) for role, m in roles]
    db.session.add(user)
    db.session.commit()
    return user


def make_organiser(municipality: Municipality, **kwargs) -> User:
    return make_user(roles=[(Role.ORGANISER, municipality)], **kwargs)


def make_reviewer(municipality: Municipality, **kwargs) -> User:
    return make_user(roles=[(Role.REVIEWER, municipality)], **kwargs)


def make_admin(**kwargs) -> User:
    return make_user(is_admin=True, **kwargs)


ROLES = ("anonymous", "resident", "organiser_other", "organiser", "reviewer_other", "reviewer", "admin")


def make_role_cast():
    """The seven people every access test walks: objects "of this municipality" belong to Oujda,
    "other" roles hold the same role in La Marsa. Returns (oujda, la_marsa, {role: user or None})."""
    oujda = make_municipality("oujda")
    la_marsa = make_municipality("la-marsa")
    cast = {
        "anonymous": None,
        "resident": make_user("Resident"),
        "organiser_other": make_organiser(la_marsa, display_name="Organiser La Marsa"),
        "organiser": make_organiser(oujda, display_name="Organiser Oujda"),
        "reviewer_other": make_reviewer(la_marsa, display_name="Reviewer La Marsa"),
        "reviewer": make_reviewer(oujda, display_name="Reviewer Oujda"),
        "admin": make_admin(display_name="Administrator"),
    }
    return oujda, la_marsa, cast


def make_reset_token(
    user: User, *, hours: int = 48, used: bool = False, created_by: User | None = None
) -> str:
    """A one-time password link's token for `user` (returns the raw token; only its hash is stored)."""
    import hashlib
    import secrets
    from datetime import timedelta

    from app.accounts.models import PasswordResetToken
    from app.core.time import utcnow

    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(PasswordResetToken(
        user_id=user.id,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        created_at=now - timedelta(hours=1),
        expires_at=now + timedelta(hours=hours),
        used_at=now if used else None,
        created_by_id=created_by.id if created_by else None,
    ))
    db.session.commit()
    return token
