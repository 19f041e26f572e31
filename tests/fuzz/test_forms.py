"""Hypothesis-driven fuzzing of every form the app serves (issue: hardening).

Every POST route of app.url_map is posted to, as a role the access table lets through, with data
shaped by the route's own WTForms fields (wrong types, random unicode, RTL and combining text, NUL
and control characters, invalid UTF-8, values up to a megabyte, empty values, malformed numbers,
dates and ids) and extra fields. Never a 500; always a page, a redirect on this site or a 4xx page;
a refused request writes nothing; the counters still equal the rows. JIWAR_FUZZ_EXAMPLES raises the
number of examples per route (default 12); the run is derandomised so CI sees the same cases.
"""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from tests.access.rules import client_as, filled
from tests.access.test_every_route import RULES, _build_world
from tests.fuzz import checks
from tests.fuzz.values import encode, field_strategies, form_classes, form_data, good_values

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("JIWAR_FUZZ_EXAMPLES", "12"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Anonymous first (sign-in, sign-up), then the least privileged role the route lets through.
ROLE_ORDER = ("anonymous", "resident", "organiser", "reviewer", "admin", "organiser_other", "reviewer_other")
DENIED = {302, 403, 404}
POSTS = [route for _, route in RULES if route.method == "POST"]


def allowed_role(route) -> str:
    """The least privileged role the route lets through; for a route refused to everyone (a
    staff-only directory entry on its public page), the anonymous visitor: still never a 500."""
    for role in ROLE_ORDER:
        if route.expect[role] not in DENIED:
            return role
    if route.method == "GET":
        return ROLE_ORDER[0]
    pytest.fail(f"{route.id}: no role may post")


def test_every_post_route_is_fuzzed(app):
    served = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    assert served == {route.endpoint for route in POSTS}


def prepared_world() -> dict:
    world = _build_world()
    db.session.commit()
    return world


def prepared(app, route) -> tuple[dict, object]:
    """A fresh world, and a client of the least privileged role the route lets in (its link opened
    first where it has one)."""
    world = prepared_world()
    return world, client_as(app, world, allowed_role(route), route)


@pytest.mark.parametrize("route", POSTS, ids=[route.id for route in POSTS])
def test_fuzzed_form_is_never_a_500(app, route):
    world, client = prepared(app, route)
    url, given_data = filled(route, world)
    fields, good = {}, {}
    for form_class in form_classes(app.view_functions[route.endpoint]):
        fields.update(field_strategies(form_class))
        good.update(good_values(form_class))
    # Selects whose choices come from the database: the world's own rows.
    for name in ("municipality_id", "municipality", "municipality_ids"):
        if name in fields:
            good[name] = str(world["oujda"].id)
    hints = {"event_id": world["event"].id, "programme_id": "0" if route.endpoint.endswith("_call") else "",
             "category_id": world["sub_call"].categories[0].id}
    for name, value in hints.items():
        if name in fields:
            good[name] = str(value)
    good.update({key: value for key, value in given_data.items() if key.endswith("_id")})

    @FUZZ
    @given(data=form_data(fields, given_data, good), htmx=st.booleans())
    def post(data, htmx):
        before = checks.row_counts()
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.post(url, data=encode(data), headers=headers,
                               content_type="application/x-www-form-urlencoded")
        checks.assert_proper(response, htmx)
        if checks.refused(response):
            assert checks.row_counts() == before, f"refused with {response.status_code} yet wrote rows"
        checks.assert_counters_hold()

    post()
