"""On PostgreSQL: double clicks and parallel requests of one person never count twice, and the
maintained count always equals the rows. Real threads, each with its own app context and session."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.proposals.errors import ProposalError
from app.proposals.models import Proposal, Support
from app.proposals.services import support_proposal, withdraw_support
from tests.concurrency import answers_together, run_together
from tests.factories import make_call, make_proposal, make_user

pytestmark = pytest.mark.postgres_only


def _refusals(app, jobs) -> list[str]:
    """Run the jobs at once (tests/concurrency.py); the codes of the refusals, anything else fails."""
    errors = run_together(app, jobs, language="en")
    assert all(isinstance(error, ProposalError) for error in errors), errors
    return sorted(error.code for error in errors)


def _state(proposal_id):
    db.session.rollback()
    rows = db.session.scalar(sa.select(sa.func.count(Support.id)).where(Support.proposal_id == proposal_id))
    return rows, db.session.get(Proposal, proposal_id, populate_existing=True).support_count


def _service_job(proposal_id, user_id, action=support_proposal):
    def job():
        from app.accounts.models import User

        action(db.session.get(Proposal, proposal_id), db.session.get(User, user_id))

    return job


def test_double_clicks_of_one_person_count_once(app, oujda):
    proposal = make_proposal(make_call(oujda, phase="support"), make_user())
    person = make_user()
    errors = _refusals(app, [_service_job(proposal.id, person.id) for _ in range(8)])
    assert errors == []
    assert _state(proposal.id) == (1, 1)


def test_many_people_at_once_count_exactly(app, oujda):
    proposal = make_proposal(make_call(oujda, phase="support"), make_user())
    people = [make_user() for _ in range(12)]
    jobs = [_service_job(proposal.id, person.id) for person in people for _ in range(2)]
    _refusals(app, jobs)
    assert _state(proposal.id) == (12, 12)


def test_support_and_withdraw_racing_keep_the_count_equal_to_the_rows(app, oujda):
    proposal = make_proposal(make_call(oujda, phase="support"), make_user())
    people = [make_user() for _ in range(6)]
    jobs = []
    for person in people:
        jobs += [
            _service_job(proposal.id, person.id),
            _service_job(proposal.id, person.id, withdraw_support),
            _service_job(proposal.id, person.id),
        ]
    _refusals(app, jobs)
    rows, count = _state(proposal.id)
    assert rows == count and 0 <= rows <= 6


def test_parallel_requests_of_one_person_respect_the_cap(app, oujda):
    call = make_call(oujda, phase="support", support_cap=2)
    proposals = [make_proposal(call, make_user()) for _ in range(6)]
    person = make_user()
    errors = _refusals(app, [_service_job(p.id, person.id) for p in proposals])
    assert sorted(errors) == ["cap"] * 4
    assert db.session.scalar(sa.select(sa.func.count(Support.id)).where(Support.user_id == person.id)) == 2
    for proposal in proposals:
        rows, count = _state(proposal.id)
        assert rows == count


def test_real_requests_double_click(app, oujda):
    """The same through the test client: each request in its own thread, context and session."""
    proposal = make_proposal(make_call(oujda, phase="support"), make_user())
    person = make_user()
    url = f"/proposals/{proposal.id}/support"
    clients = [app.test_client() for _ in range(6)]
    for client in clients:
        with client.session_transaction() as session:
            session["_user_id"] = person.get_id()
    def click(client):
        return lambda: client.post(url, headers={"HX-Request": "true"}).status_code

    assert answers_together(app, [click(client) for client in clients]) == [200] * 6
    assert _state(proposal.id) == (1, 1)
