"""Every route with every role, and the exact status each gets (issue: hardening).

A route the app serves without a rule in some tests/<domain>/access_rules.py fails the suite, so a
new page cannot ship without its access decided and tested. Each role posts to the world as it was
built (its writes undone by a savepoint after it), so one role's action never changes what the next
one sees.
"""

import pytest

from tests.access.rules import client_as, filled
from tests.accounts import access_rules as accounts_rules
from tests.directory import access_rules as directory_rules
from tests.events import access_rules as events_rules
from tests.factories import ROLES, make_role_cast
from tests.messages import access_rules as messages_rules
from tests.proposals import access_rules as proposals_rules
from tests.reports import access_rules as reports_rules
from tests.transactions import undone_afterwards

pytestmark = pytest.mark.route_matrix

DOMAINS = (accounts_rules, directory_rules, events_rules, proposals_rules, reports_rules, messages_rules)
RULES = [(domain, route) for domain in DOMAINS for route in domain.RULES]


def _build_world():
    oujda, la_marsa, cast = make_role_cast()
    world = {"oujda": oujda, "la_marsa": la_marsa, "cast": cast}
    for domain in DOMAINS:
        objects = domain.build_world(oujda, la_marsa, cast)
        assert not set(objects) & set(world), f"{domain.__name__} reuses a name of another world"
        world.update(objects)
    return world


def _status(app, route, world, role) -> int:
    url, data = filled(route, world)
    return client_as(app, world, role, route).open(url, method=route.method, data=data).status_code


def test_every_route_has_a_rule(app):
    served = {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    listed = {(route.method, route.endpoint) for _, route in RULES}
    assert served - listed == set(), "routes without an access rule"
    assert listed - served == set(), "rules for routes that do not exist"


@pytest.mark.parametrize(("domain", "route"), RULES, ids=[route.id for _, route in RULES])
def test_each_role_gets_the_exact_status(app, domain, route):
    got = {}
    world = _build_world()
    for role in ROLES:
        if route.method == "GET":
            got[role] = _status(app, route, world, role)
            continue
        with undone_afterwards():  # each role posts to the world as it was built
            got[role] = _status(app, route, world, role)
    assert got == route.expect
