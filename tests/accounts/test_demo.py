"""The demo accounts: one per role, the demo password, and seeding twice changes nothing."""

import sqlalchemy as sa

from app.accounts.demo import DEMO_PASSWORD, seed_accounts
from app.accounts.models import Municipality, RoleAssignment, User
from app.extensions import db


def counts():
    return [db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Municipality, User, RoleAssignment)]


def test_seeding_twice_changes_nothing(client):
    result = seed_accounts([])
    db.session.commit()
    first = counts()
    again = seed_accounts([])
    db.session.commit()
    assert counts() == first == [3, 6, 4]
    assert set(result["municipalities"]) == {"oujda", "raoued", "la-marsa"}
    assert {u.id for u in result["users"].values()} == {u.id for u in again["users"].values()}


def test_each_demo_account_signs_in(client):
    seed_accounts([])
    db.session.commit()
    for identifier in ("admin@jiwar.example", "organiser@jiwar.example", "resident@jiwar.example",
                       "0600000001"):
        response = client.post("/sign-in", data={"identifier": identifier, "password": DEMO_PASSWORD})
        assert response.status_code == 303, identifier
        client.post("/sign-out")
