"""The test harness's own promise (tests/transactions.py): what a request writes inside
`undone_afterwards()` is gone after it, and what was there before is read again."""

import sqlalchemy as sa

from app.events.models import Registration
from app.extensions import db
from tests.conftest import sign_in_as
from tests.factories import make_event, make_municipality, make_user
from tests.transactions import undone_afterwards


def _registrations() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Registration))


def test_a_request_inside_undone_afterwards_leaves_nothing_behind(client):
    event = make_event(make_municipality("oujda"), title="Journée portes ouvertes")
    user = make_user("Awa", email="awa@example.org")
    db.session.commit()
    with undone_afterwards():
        sign_in_as(client, user)
        assert client.post(f"/en/events/{event.id}/register").status_code == 303
        assert _registrations() == 1
    assert _registrations() == 0
    sign_in_as(client, user)
    assert client.post(f"/en/events/{event.id}/register").status_code == 303  # the world as before
    assert _registrations() == 1
