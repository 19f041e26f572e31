"""Calls for proposals, proposals and supports."""

import itertools
from datetime import timedelta

from app.accounts.models import Municipality, User
from app.core.time import utcnow
from app.extensions import db
from app.proposals.models import Proposal, ProposalCall, ProposalCategory, Support

_counter = itertools.count(1)
PHASES = ("submission", "support", "review", "results")


def make_call(municipality: Municipality, *, phase: str = "submission", **fields) -> ProposalCall:
    """A call whose `phase` is on now: each phase lasts 30 days, in the order of PHASES."""
    n = next(_counter)
    now = utcnow().replace(microsecond=0)
    start = now - timedelta(days=1) - timedelta(days=30) * PHASES.index(phase)
    call = ProposalCall(
        municipality=municipality,
        title=fields.pop("title", f"Appel à projets {n}"),
        description=fields.pop("description", "Des projets pour vivre ensemble."),
        submission_opens_at=start,
        submission_closes_at=start + timedelta(days=30),
        support_opens_at=start + timedelta(days=30),
        support_closes_at=start + timedelta(days=60),
        review_opens_at=start + timedelta(days=60),
        results_at=start + timedelta(days=90),
        **fields,
    )
    call.categories = [
        ProposalCategory(name=name, position=i)
        for i, name in enumerate(("Culture", "Éducation", "Espace public", "Santé", "Jeunesse"))
    ]
    db.session.add(call)
    db.session.commit()
    return call


def make_proposal(call: ProposalCall, author: User | None, **fields) -> Proposal:
    n = next(_counter)
    proposal = Proposal(
        call=call,
        category=fields.pop("category", call.categories[0] if call.categories else None),
        author=author,
        participant_id=fields.pop("participant_id", author.participant_id if author else None),
        title=fields.pop("title", f"Jardin partagé {n}"),
        description=fields.pop(
            "description", "Un jardin où voisins et nouveaux arrivants cultivent ensemble."
        ),
        place=fields.pop("place", "Quartier Al Qods"),
        **fields,
    )
    db.session.add(proposal)
    db.session.commit()
    return proposal


def make_support(proposal: Proposal, user: User) -> Support:
    """A support written directly, the maintained count kept in step."""
    support = Support(proposal_id=proposal.id, user_id=user.id, call_id=proposal.call_id)
    proposal.support_count += 1
    db.session.add(support)
    db.session.commit()
    return support
