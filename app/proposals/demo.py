"""Demo calls: Oujda's call in its support phase, and La Marsa's past call with its answers and results.

Idempotent: a call found by its title is left as it is, so running the seed twice changes nothing.
"""

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.accounts.models import Participant, User
from app.accounts.passwords import hash_password
from app.core.time import utcnow
from app.extensions import db
from app.proposals.models import (
    ChangedByRole,
    Channel,
    Comment,
    Proposal,
    ProposalCall,
    ProposalCategory,
    ProposalStatus,
    ProposalStatusChange,
    Support,
)

OUJDA_TITLE = "Vivre ensemble à Oujda — projets de quartier 2026"
MARSA_TITLE = "La Marsa solidaire — appel à projets 2025"
CATEGORIES = ["Culture", "Éducation", "Espace public", "Santé", "Jeunesse"]
# What the organisers of Oujda wrote in Arabic and English too (La Marsa's call stays in French, so
# the demo shows both a translated call and a marked fallback).
TRANSLATED = {
    OUJDA_TITLE: {
        "title": {
            "ar": "العيش المشترك في وجدة — مشاريع الأحياء 2026",
            "en": "Living together in Oujda — 2026 neighbourhood projects",
        },
        "description": {
            "ar": "اقترحوا مشروعاً لحيّكم: ستدرس الجماعة المشاريع الأكثر دعماً وتجيب علناً عن كل مقترح.",
            "en": "Propose a project for your neighbourhood: the municipality will study the most supported "
            "ones and answer every proposal in public.",
        },
    }
}
CATEGORY_NAMES = {
    "Culture": {"ar": "ثقافة", "en": "Culture"},
    "Éducation": {"ar": "تعليم", "en": "Education"},
    "Espace public": {"ar": "الفضاء العام", "en": "Public space"},
    "Santé": {"ar": "صحة", "en": "Health"},
    "Jeunesse": {"ar": "شباب", "en": "Youth"},
}
NEIGHBOURS = [
    ("habitant1@jiwar.example", "Moussa"),
    ("habitant2@jiwar.example", "Khadija"),
    ("habitant3@jiwar.example", "Aïssata"),
    ("habitant4@jiwar.example", "Hamza"),
    ("habitant5@jiwar.example", "Grace"),
    ("habitant6@jiwar.example", "Leïla"),
]

OUJDA_PROPOSALS = [
    # title, category, place, cost, channel, description
    (
        "Jardin partagé du quartier Al Qods",
        "Espace public",
        "Al Qods",
        12000,
        Channel.ONLINE,
        "Transformer le terrain vague derrière l'école en jardin partagé où voisins et nouveaux arrivants "
        "cultivent ensemble, avec des ateliers le samedi matin.",
    ),
    (
        "Cours de darija et de français pour adultes",
        "Éducation",
        "Centre social Lazaret",
        8000,
        Channel.PAPER,
        "Des cours du soir gratuits, deux fois par semaine, pour apprendre la darija et le français, "
        "animés par des bénévoles du quartier.",
    ),
    (
        "Tournoi de football interquartiers",
        "Jeunesse",
        "Stade municipal",
        5000,
        Channel.GROUP,
        "Un tournoi mixte chaque printemps où les équipes mélangent jeunes d'Oujda et jeunes migrants.",
    ),
    (
        "Fresque murale « Nos routes »",
        "Culture",
        "Boulevard Mohammed V",
        15000,
        Channel.ONLINE,
        "Une fresque peinte par les habitants qui raconte les chemins qui nous ont menés à Oujda.",
    ),
    (
        "Permanence santé mobile",
        "Santé",
        "Sidi Yahya",
        None,
        Channel.ASSISTED,
        "Une permanence mensuelle d'infirmiers et de médiateurs pour orienter chacun vers les soins.",
    ),
]

MARSA_PROPOSALS = [
    (
        "Bibliothèque de rue au jardin Saf-Saf",
        "Culture",
        ProposalStatus.DONE,
        4,
        "La bibliothèque de rue fonctionne depuis mars : 300 livres donnés, ouverte mercredi et samedi.",
    ),
    (
        "Ateliers d'aide aux devoirs",
        "Éducation",
        ProposalStatus.IN_PROGRESS,
        9,
        "Les ateliers commencent à la rentrée à la maison des jeunes ; les bénévoles sont en formation.",
    ),
    (
        "Bancs et ombrage place du marché",
        "Espace public",
        ProposalStatus.ACCEPTED,
        12,
        "Accepté : douze bancs et quatre pergolas seront installés avant l'été.",
    ),
    (
        "Parking payant sur la corniche",
        "Espace public",
        ProposalStatus.REJECTED,
        20,
        "Refusé : le projet ne relève pas du vivre-ensemble et la corniche reste piétonne le week-end.",
    ),
    (
        "Fête des voisins du Safsaf",
        "Culture",
        ProposalStatus.ACCEPTED,
        6,
        "Accepté : la commune prête le matériel et la place pour la fête de juin.",
    ),
]


def _neighbours(lines: list[str]) -> list[User]:
    people = []
    password_hash = None
    for email, name in NEIGHBOURS:
        user = db.session.scalar(sa.select(User).filter_by(email=email))
        if user is None:
            password_hash = password_hash or hash_password("jiwar-demo-2026")
            user = User(
                email=email,
                display_name=name,
                password_hash=password_hash,
                confirmed_at=utcnow(),
                participant=Participant(display_name=name),
            )
            db.session.add(user)
        people.append(user)
    db.session.flush()
    return people


def _call(municipality, title, description, start, programme, cap=None) -> ProposalCall:
    call = ProposalCall(
        municipality=municipality,
        title=title,
        description=description,
        submission_opens_at=start,
        submission_closes_at=start + timedelta(days=30),
        support_opens_at=start + timedelta(days=30),
        support_closes_at=start + timedelta(days=60),
        review_opens_at=start + timedelta(days=60),
        results_at=start + timedelta(days=90),
        support_cap=cap,
        programme_id=programme.id if programme is not None else None,
    )
    for field, texts in TRANSLATED.get(title, {}).items():
        for code, text in texts.items():
            setattr(call, f"{field}_{code}", text)
    call.categories = [ProposalCategory(name=name, position=i) for i, name in enumerate(CATEGORIES)]
    if title in TRANSLATED:
        for category in call.categories:
            category.name_ar = CATEGORY_NAMES[category.name_fr]["ar"]
            category.name_en = CATEGORY_NAMES[category.name_fr]["en"]
    db.session.add(call)
    db.session.flush()
    return call


def _category(call, name):
    return next(c for c in call.categories if c.name_fr == name)


def _support(proposal, people):
    """The supports a person could have given in the app: never their own proposal, never past the
    call's cap (people try Jiwar on the demo: it must not show a rule broken)."""
    cap = proposal.call.support_cap
    for person in people:
        if person.id == proposal.author_id:
            continue
        if cap and db.session.scalar(
            sa.select(sa.func.count(Support.id)).filter_by(user_id=person.id, call_id=proposal.call_id)
        ) >= cap:
            continue
        db.session.add(Support(proposal_id=proposal.id, user_id=person.id, call_id=proposal.call_id))
        proposal.support_count += 1


def seed_proposals(accounts: dict, programmes: dict, lines: list[str]) -> None:
    municipalities, users = accounts["municipalities"], accounts["users"]
    existing = set(
        db.session.scalars(
            sa.select(ProposalCall.title).where(ProposalCall.title.in_([OUJDA_TITLE, MARSA_TITLE]))
        )
    )
    people = _neighbours(lines)
    resident = users["resident@jiwar.example"]
    organiser = users["organiser@jiwar.example"]
    everyone = [resident, *people, users["organiser@jiwar.example"], users["organiser.marsa@jiwar.example"]]
    now = utcnow().replace(microsecond=0)

    if OUJDA_TITLE not in existing:
        call = _call(
            municipalities["oujda"],
            OUJDA_TITLE,
            "Proposez un projet pour votre quartier : la commune étudiera les plus soutenus "
            "et répondra publiquement à chaque proposition.",
            now - timedelta(days=40),
            programmes.get("3h"),
            cap=3,
        )
        authors = [resident, people[0], None, people[1], None]
        for i, (title, category, place, cost, channel, description) in enumerate(OUJDA_PROPOSALS):
            author = authors[i]
            proposal = Proposal(
                call=call,
                category=_category(call, category),
                author=author,
                channel=channel,
                participant_id=author.participant_id if author else None,
                entered_by_id=organiser.id if channel != Channel.ONLINE else None,
                group_name="Club de foot Lazaret" if channel == Channel.GROUP else None,
                members_without_card=11 if channel == Channel.GROUP else 0,  # "a group of 11 people"
                title=title,
                description=description,
                place=place,
                estimated_cost=Decimal(cost) if cost else None,
                created_at=now - timedelta(days=38 - i),
            )
            role = ChangedByRole.AUTHOR if channel == Channel.ONLINE else ChangedByRole.ORGANISER
            proposal.history = [
                ProposalStatusChange(
                    status=ProposalStatus.SUBMITTED, changed_by_role=role, changed_at=proposal.created_at
                )
            ]
            db.session.add(proposal)
            db.session.flush()
            _support(proposal, everyone[: (7 - i)])
            if i < 3:
                first = Comment(
                    proposal_id=proposal.id,
                    author_id=people[2 + i].id,
                    body="Très bonne idée, je peux aider le samedi. Plus d'infos : https://oujda.ma",
                )
                db.session.add(first)
                db.session.flush()
                db.session.add(
                    Comment(
                        proposal_id=proposal.id,
                        parent_id=first.id,
                        author_id=(author or people[5]).id,
                        body="Merci ! Rendez-vous samedi.",
                    )
                )
                proposal.comment_count = 2
        lines.append(f"Call for proposals (support phase): {OUJDA_TITLE}")

    if MARSA_TITLE not in existing:
        start = now - timedelta(days=200)
        call = _call(
            municipalities["la-marsa"],
            MARSA_TITLE,
            "Les habitants de La Marsa ont proposé et soutenu leurs projets ; voici les réponses "
            "de la commune et l'avancement des projets retenus.",
            start,
            programmes.get("imigr"),
        )
        review_opened = call.review_opens_at
        for i, (title, category, status, days, answer) in enumerate(MARSA_PROPOSALS):
            author = people[i % len(people)]
            proposal = Proposal(
                call=call,
                category=_category(call, category),
                author=author,
                participant_id=author.participant_id,
                channel=Channel.ONLINE if i % 2 == 0 else Channel.PAPER,
                title=title,
                description=answer.split(":")[0] + " — proposition des habitants du quartier.",
                place="La Marsa",
                created_at=start + timedelta(days=3 + i),
                status=status,
                answer_text=answer,
                first_answered_at=review_opened + timedelta(days=days),
            )
            proposal.history = [
                ProposalStatusChange(
                    status=ProposalStatus.SUBMITTED,
                    changed_by_role=ChangedByRole.AUTHOR,
                    changed_at=proposal.created_at,
                ),
                ProposalStatusChange(
                    status=status,
                    answer_text=answer,
                    changed_by_role=ChangedByRole.REVIEWER,
                    changed_at=review_opened + timedelta(days=days),
                ),
            ]
            db.session.add(proposal)
            db.session.flush()
            _support(proposal, everyone[: (8 - i)])
        lines.append(f"Past call with answers and results: {MARSA_TITLE}")
    db.session.flush()
