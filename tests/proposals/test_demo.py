import sqlalchemy as sa

from app.demo import seed_demo
from app.extensions import db
from app.proposals.models import Comment, Phase, Proposal, ProposalCall, Support


def _counts():
    return [
        db.session.scalar(sa.select(sa.func.count()).select_from(m))
        for m in (ProposalCall, Proposal, Support, Comment)
    ]


def test_demo_is_believable_and_idempotent(client):
    seed_demo()
    first = _counts()
    seed_demo()
    assert _counts() == first and first[1] >= 10
    phases = {
        call.municipality.slug: call.current_phase for call in db.session.scalars(sa.select(ProposalCall))
    }
    assert phases == {"oujda": Phase.SUPPORT, "la-marsa": Phase.RESULTS}
    for proposal in db.session.scalars(sa.select(Proposal)):
        rows = db.session.scalar(
            sa.select(sa.func.count(Support.id)).where(Support.proposal_id == proposal.id)
        )
        assert rows == proposal.support_count
    marsa = db.session.scalar(
        sa.select(ProposalCall).join(ProposalCall.municipality).where(ProposalCall.title.like("La Marsa%"))
    )
    assert "Proposals accepted" in client.get(f"/calls/{marsa.id}/results").get_data(as_text=True)
