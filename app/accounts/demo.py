"""Demo municipalities and one account per role."""

from sqlalchemy import select

from app.accounts.models import Municipality, Participant, Role, RoleAssignment, User
from app.accounts.passwords import hash_password
from app.core.time import utcnow
from app.extensions import db

MUNICIPALITIES = [
    ("oujda", "Oujda", "وجدة", "Oujda", "MA", "Africa/Casablanca"),
    ("raoued", "Raoued", "رواد", "Raoued", "TN", "Africa/Tunis"),
    ("la-marsa", "La Marsa", "المرسى", "La Marsa", "TN", "Africa/Tunis"),
]
DEMO_PASSWORD = "jiwar-demo-2026"  # noqa: S105 - printed by `make run`, demo data only

# (email, display name, admin?, [(role, municipality slug)], home municipality)
ACCOUNTS = [
    ("admin@jiwar.example", "Amina (administratrice)", True, [], None),
    ("organiser@jiwar.example", "Youssef (organisateur, Oujda)", False, [(Role.ORGANISER, "oujda")], "oujda"),
    ("organiser.marsa@jiwar.example", "Salma (organisatrice, La Marsa)", False,
     [(Role.ORGANISER, "la-marsa"), (Role.ORGANISER, "raoued")], "la-marsa"),
    ("reviewer@jiwar.example", "Karim (Commune d'Oujda)", False, [(Role.REVIEWER, "oujda")], "oujda"),
    ("resident@jiwar.example", "Fatou", False, [], "oujda"),
]
# A resident with a phone and no email: the desk gives her password links.
PHONE_RESIDENT = ("+212600000001", "Aminata", "oujda")


def seed_accounts(lines: list[str]) -> dict:
    municipalities = {}
    for slug, fr, ar, en, country, zone in MUNICIPALITIES:
        municipality = db.session.scalar(select(Municipality).filter_by(slug=slug))
        if municipality is None:
            municipality = Municipality(
                slug=slug, name_fr=fr, name_ar=ar, name_en=en, country_code=country, timezone=zone
            )
            db.session.add(municipality)
        municipalities[slug] = municipality
    db.session.flush()

    users = {}
    lines.append(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for email, name, is_admin, roles, home in ACCOUNTS:
        user = db.session.scalar(select(User).filter_by(email=email))
        if user is None:
            user = User(
                email=email,
                display_name=name,
                password_hash=hash_password(DEMO_PASSWORD),
                is_admin=is_admin,
                confirmed_at=utcnow(),
                municipality=municipalities[home] if home else None,
                participant=Participant(display_name=name),
            )
            user.roles = [
                RoleAssignment(role=role, municipality=municipalities[slug]) for role, slug in roles
            ]
            db.session.add(user)
        users[email] = user
        lines.append(f"  {email:32} {name}")
    phone, name, home = PHONE_RESIDENT
    if db.session.scalar(select(User).filter_by(phone=phone)) is None:
        db.session.add(User(
            phone=phone, display_name=name, password_hash=hash_password(DEMO_PASSWORD), confirmed_at=utcnow(),
            municipality=municipalities[home], participant=Participant(display_name=name),
        ))
    lines.append(f"  {'0600000001 (phone, no email)':32} {name}")
    db.session.flush()
    return {"municipalities": municipalities, "users": users}
