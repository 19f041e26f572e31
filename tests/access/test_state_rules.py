"""Two rules every route keeps (issue: hardening): no state change without a CSRF token, and no
state change on GET. Both walk the access tables, so a new route is covered the day it is added."""

import pytest

from app.extensions import db
from tests.access.rules import client_as, filled
from tests.access.test_every_route import RULES, _build_world
from tests.fuzz.checks import row_counts
from tests.transactions import database_connection

pytestmark = pytest.mark.route_matrix

# Routes a gateway signs carry no CSRF token: tests/messages/test_receipts.py refuses unsigned and
# replayed calls, nothing changed.
POSTS = [route for _, route in RULES if route.method == "POST" and not route.signed]
GETS = [route for _, route in RULES if route.method == "GET"]
# Roles in the order tried: the first one the rule lets through is the one that could change state.
ORDER = ("admin", "organiser", "reviewer", "resident", "anonymous", "organiser_other", "reviewer_other")


def _allowed_role(route) -> str:
    return next((role for role in ORDER if route.expect[role] not in (302, 403, 404)), "admin")


def _state() -> dict[str, list]:
    """Every row of every table (the world is small), so a GET that changes a value in place is
    caught, not only one that adds or removes rows. Left out: the audit log (reading personal data
    or exact figures is recorded, by design, and recording a read is not a change of what the read
    shows) and the data version that such a record moves on."""
    import sqlalchemy as sa

    contents = {}
    with database_connection() as connection:
        for table in db.metadata.sorted_tables:
            if table.name in ("audit_entry", "data_version"):
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            rows = connection.execute(sa.select(table).order_by(*order))
            contents[table.name] = [tuple(row) for row in rows]
    return contents


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("route", POSTS, ids=[route.id for route in POSTS])
def test_no_post_changes_anything_without_its_csrf_token(app, csrf_on, route):
    world = _build_world()
    url, data = filled(route, world)
    before = row_counts()
    for htmx in (False, True):
        headers = {"HX-Request": "true"} if htmx else {}
        response = client_as(app, world, _allowed_role(route), route).post(url, data=data, headers=headers)
        assert response.status_code == 400, (route.id, response.status_code)
    db.session.rollback()
    assert row_counts() == before


@pytest.mark.parametrize("route", GETS, ids=[route.id for route in GETS])
def test_no_get_changes_anything(app, route):
    world = _build_world()
    url, _data = filled(route, world)
    before = _state()
    for role in ORDER:
        client_as(app, world, role, route).get(url)
    db.session.rollback()
    assert _state() == before
