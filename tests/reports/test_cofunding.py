"""Co-funded activities: an event or a call attached to a second programme stays in the first and
counts once in each. On the fixed data set (tests/reports/dataset.py): E2 (training, June 2025) is
in programme 3H with A (3 sessions), B (2) and D (1): 3 people, 6 attendances."""

import pytest
import sqlalchemy as sa

from app.core.models import AuditEntry
from app.events.models import Event
from app.extensions import db
from app.proposals.models import ProposalCall
from app.reports import rollups
from app.reports.models import Measure, call_cofunder, event_cofunder
from tests.conftest import sign_in_as
from tests.factories import make_admin, make_attendance, make_organiser, make_programme, make_target
from tests.reports.dataset import build_dataset
from tests.reports.html import report_cells


@pytest.fixture
def data():
    return build_dataset()


@pytest.fixture
def eu(data):
    """A second funder's programme over Oujda and La Marsa, from 2025."""
    from datetime import date

    return make_programme([data.oujda, data.la_marsa], name="Programme UE", starts_on=date(2025, 1, 1))


def attach(client, programme, kind, object_id, action="attach"):
    return client.post(
        f"/en/programmes/{programme.id}/links", data={"kind": kind, "action": action, "object_id": object_id}
    )


def summary(client, programme) -> dict:
    html = client.get(f"/reports?programme={programme.id}&exact=1").get_data(as_text=True)
    cells = report_cells(html)
    return {column: int(cells[("table-summary", "summary", column)]) for column in ("people", "registered")}


def cofunders() -> list:
    return db.session.execute(sa.select(event_cofunder.c.event_id, event_cofunder.c.programme_id)).all()


def test_a_co_funded_event_counts_once_in_each_programme(client, data, eu):
    admin = make_admin()
    sign_in_as(client, admin)
    assert summary(client, eu) == {"people": 0, "registered": 0}
    assert attach(client, eu, "event", data.e2.id).status_code == 303
    db.session.rollback()
    assert db.session.get(Event, data.e2.id).programme_id == data.programme.id  # not moved out of 3H
    assert cofunders() == [(data.e2.id, eu.id)]
    assert summary(client, eu) == {"people": 3, "registered": 6}  # A, B, D; 3 + 2 + 1 sessions
    assert summary(client, data.programme) == {"people": 5, "registered": 10}  # as before
    page = client.get(f"/en/programmes/{eu.id}/links").get_data(as_text=True)
    assert page.count(f'name="object_id" value="{data.e2.id}"') == 1
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert "programme.event_attached" in actions


def test_presences_after_co_funding_count_in_both_programmes_and_the_roll_ups_agree(client, data, eu):
    sign_in_as(client, make_admin())
    attach(client, eu, "event", data.e2.id)
    make_attendance(data.e2.sessions[2], data.people["B"].participant)  # B's third session
    db.session.commit()
    assert summary(client, eu) == {"people": 3, "registered": 7}
    assert summary(client, data.programme)["registered"] == 11
    assert set(rollups.rows_off_a_rebuild().values()) == {0}


def test_a_co_funded_events_walk_ins_count_in_both_programmes_until_detached(client, data, eu):
    """E1's three anonymous walk-ins join the second programme's report with E1, and leave it."""
    sign_in_as(client, make_admin())

    def walk_ins(programme) -> int:
        html = client.get(f"/reports?programme={programme.id}&exact=1").get_data(as_text=True)
        return int(report_cells(html)[("table-summary", "summary", "walk_ins")])

    assert (walk_ins(data.programme), walk_ins(eu)) == (3, 0)
    attach(client, eu, "event", data.e1.id)
    assert (walk_ins(data.programme), walk_ins(eu)) == (3, 3)
    assert set(rollups.rows_off_a_rebuild().values()) == {0}
    attach(client, eu, "event", data.e1.id, action="detach")
    assert (walk_ins(data.programme), walk_ins(eu)) == (3, 0)
    assert set(rollups.rows_off_a_rebuild().values()) == {0}


def test_targets_of_both_programmes_count_a_co_funded_call(client, data, eu):
    sign_in_as(client, make_admin())
    assert attach(client, eu, "call", data.call.id).status_code == 303
    db.session.rollback()
    assert db.session.get(ProposalCall, data.call.id).programme_id == data.programme.id
    for programme in (data.programme, eu):
        target = make_target(programme, measure=Measure.PROPOSALS, goal=10, title="Projets")
        html = client.get(f"/en/programmes/{programme.id}?exact=1").get_data(as_text=True)
        block = " ".join(html[html.index(f'id="target-{target.id}"'):].split())
        assert "2 of 10" in block  # A's and C's (B's withdrawn, D's hidden)


def test_attaching_twice_or_detaching_what_is_not_attached_is_refused(client, data, eu):
    sign_in_as(client, make_admin())
    response = attach(client, data.programme, "event", data.e2.id)
    assert response.status_code == 422
    assert "This event or call already counts towards the programme." in response.get_data(as_text=True)
    attach(client, eu, "event", data.e2.id)
    assert attach(client, eu, "event", data.e2.id).status_code == 422
    assert attach(client, eu, "event", data.e1.id, action="detach").status_code == 422
    db.session.rollback()
    assert cofunders() == [(data.e2.id, eu.id)]


def test_detaching_the_second_programme_leaves_the_first(client, data, eu):
    sign_in_as(client, make_admin())
    attach(client, eu, "event", data.e2.id)
    assert attach(client, eu, "event", data.e2.id, action="detach").status_code == 303
    db.session.rollback()
    assert cofunders() == []
    assert summary(client, eu) == {"people": 0, "registered": 0}
    assert summary(client, data.programme) == {"people": 5, "registered": 10}
    assert db.session.get(Event, data.e2.id).programme_id == data.programme.id


def test_an_event_of_a_municipality_the_programme_does_not_cover_is_refused(client, data):
    """3H runs in Oujda only: La Marsa's E3 cannot join it, and nothing is written."""
    sign_in_as(client, make_admin())
    response = attach(client, data.programme, "event", data.e3.id)
    assert response.status_code == 422
    assert "Only events and calls of the programme&#39;s municipalities" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Event, data.e3.id).programme_id is None and cofunders() == []


@pytest.mark.parametrize("who", ["organiser", "organiser_marsa", "other_town"])
def test_organisers_cannot_attach_or_detach(client, data, eu, who):
    """Only administrators attach: an organiser of the programme's own town, of the other town of the
    second programme, or of a town in neither, is refused and nothing is written."""
    from tests.factories import make_municipality

    user = {
        "organiser": data.organiser,
        "organiser_marsa": data.organiser_marsa,
        "other_town": make_organiser(make_municipality("raoued")),
    }[who]
    sign_in_as(client, user)
    assert attach(client, eu, "event", data.e2.id).status_code == 403
    assert attach(client, data.programme, "event", data.e2.id, action="detach").status_code == 403
    assert client.get(f"/en/programmes/{eu.id}/links").status_code == 403
    db.session.rollback()
    assert cofunders() == []
    assert db.session.get(Event, data.e2.id).programme_id == data.programme.id
    assert db.session.execute(sa.select(call_cofunder)).all() == []
