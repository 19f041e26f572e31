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


def make_comment(proposal: Proposal, author: User, body: str = "Bonne idée !", parent=None, **fields):
    from app.proposals.models import Comment

    comment = Comment(
        proposal_id=proposal.id,
        author_id=author.id,
        body=body,
        parent_id=parent.id if parent else None,
        **fields,
    )
    db.session.add(comment)
    if not fields.get("is_hidden"):
        proposal.comment_count += 1
    db.session.commit()
    return comment


def make_abuse_report(
    reporter: User, *, proposal: Proposal | None = None, comment=None, reason: str = "Propos insultants"
):
    from app.proposals.models import AbuseReport

    report = AbuseReport(
        proposal_id=proposal.id if proposal else None,
        comment_id=comment.id if comment else None,
        reporter_id=reporter.id,
        reason=reason,
    )
    db.session.add(report)
    db.session.commit()
    return report


def make_photo_file() -> str:
    """A stored photo (a real small JPEG) for a proposal's photo_name."""
    import io

    from PIL import Image

    from app.proposals.photos import store_photo

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 90)).save(out, format="JPEG")
    return store_photo(out.getvalue())
