"""The shared factories build consistent objects (counters in step with rows)."""

from tests.factories import (
    make_attendance,
    make_call,
    make_event,
    make_municipality,
    make_programme,
    make_proposal,
    make_registration,
    make_support,
    make_target,
    make_user,
)


def test_factories_build_one_of_everything():
    oujda = make_municipality("oujda")
    person = make_user()
    event = make_event(oujda, capacity=10, sessions=3)
    make_registration(event, person.participant)
    make_attendance(event.sessions[0], person.participant)
    make_attendance(event.sessions[0], anonymous_gender="woman")
    call = make_call(oujda, phase="support")
    proposal = make_proposal(call, person)
    make_support(proposal, make_user())
    make_target(make_programme([oujda]))
    assert len(event.sessions) == 3 and event.confirmed_count == 1 and event.seats_left == 9
    assert proposal.support_count == 1
