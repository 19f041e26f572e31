"""On PostgreSQL: double clicks and parallel requests of one person never count twice, and the
maintained count always equals the rows. Real threads, each with its own app context and session."""

import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.proposals.errors import ProposalError
from app.proposals.models import Proposal, Support
from app.proposals.services import support_proposal, withdraw_support
from tests.factories import make_call, make_proposal, make_user

pytestmark = pytest.mark.postgres_only


def _run_in_threads(app, jobs):
    barrier = threading.Barrier(len(jobs), timeout=20)
    errors = []

    def run(job):
        with app.test_request_context(headers={"Accept-Language": "en"}):
            barrier.wait()
            try:
                job()
            except ProposalError as error:
                errors.append(error.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


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
    errors = _run_in_threads(app, [_service_job(proposal.id, person.id) for _ in range(8)])
    assert errors == []
    assert _state(proposal.id) == (1, 1)


def test_many_people_at_once_count_exactly(app, oujda):
    proposal = make_proposal(make_call(oujda, phase="support"), make_user())
    people = [make_user() for _ in range(12)]
    jobs = [_service_job(proposal.id, person.id) for person in people for _ in range(2)]
    _run_in_threads(app, jobs)
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
    _run_in_threads(app, jobs)
    rows, count = _state(proposal.id)
    assert rows == count and 0 <= rows <= 6


def test_parallel_requests_of_one_person_respect_the_cap(app, oujda):
    call = make_call(oujda, phase="support", support_cap=2)
    proposals = [make_proposal(call, make_user()) for _ in range(6)]
    person = make_user()
    errors = _run_in_threads(app, [_service_job(p.id, person.id) for p in proposals])
    assert sorted(errors) == ["cap"] * 4
    assert db.session.scalar(sa.select(sa.func.count(Support.id)).where(Support.user_id == person.id)) == 2
    for proposal in proposals:
        rows, count = _state(proposal.id)
        assert rows == count


def test_real_requests_double_click(app, oujda):
    """The same through the test client: each request in its own thread, context and session."""
    proposal = make_proposal(make_call(oujda, phase="support"), make_user())
    person = make_user()
    statuses = []
    session_id, url = person.get_id(), f"/proposals/{proposal.id}/support"

    def click():
        with app.app_context():
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = session_id
            barrier.wait()
            statuses.append(client.post(url, headers={"HX-Request": "true"}).status_code)

    barrier = threading.Barrier(6, timeout=20)
    threads = [threading.Thread(target=click) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [200] * 6
    assert _state(proposal.id) == (1, 1)
