import re

import sqlalchemy as sa

from app.accounts.models import User
from app.demo import seed_demo
from app.extensions import db
from app.proposals.models import Comment, Phase, Proposal, ProposalCall, Support
from tests.conftest import sign_in_as


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


def test_demo_obeys_the_rules_it_shows(client):
    """The demo is what people try Jiwar with: a resident who "used 4 of 3 supports" or supports
    their own proposal teaches them rules the app does not have."""
    seed_demo()
    over_cap = db.session.execute(
        sa.select(ProposalCall.title, Support.user_id, sa.func.count(Support.id))
        .join(Support, Support.call_id == ProposalCall.id)
        .where(ProposalCall.support_cap.is_not(None))
        .group_by(ProposalCall.id, ProposalCall.title, ProposalCall.support_cap, Support.user_id)
        .having(sa.func.count(Support.id) > ProposalCall.support_cap)
    ).all()
    assert over_cap == []
    own = db.session.scalar(
        sa.select(sa.func.count(Support.id))
        .join(Proposal, Proposal.id == Support.proposal_id)
        .where(Proposal.author_id == Support.user_id)
    )
    assert own == 0
    wrong_call = db.session.scalar(
        sa.select(sa.func.count(Support.id))
        .join(Proposal, Proposal.id == Support.proposal_id)
        .where(Proposal.call_id != Support.call_id)
    )
    assert wrong_call == 0


def test_demo_resident_sees_supports_within_the_cap(client):
    seed_demo()
    resident = db.session.scalar(sa.select(User).filter_by(email="resident@jiwar.example"))
    sign_in_as(client, resident)
    call = db.session.scalar(sa.select(ProposalCall).where(ProposalCall.support_cap.is_not(None)))
    proposal = db.session.scalar(
        sa.select(Proposal).where(Proposal.call_id == call.id, Proposal.author_id != resident.id).limit(1)
    )
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    used = re.search(r"You have used (\d+) of your (\d+) supports", page)
    assert used is not None and int(used[1]) <= int(used[2]) == call.support_cap
