"""Access cases beyond one rule per endpoint: private programmes, exact figures, missing objects."""

import pytest

from tests.access.test_every_route import _build_world, _status
from tests.factories import ROLES
from tests.reports.access_rules import EXTRA

pytestmark = pytest.mark.route_matrix


@pytest.mark.parametrize("route", EXTRA, ids=[f"{r.method} {r.url}" for r in EXTRA])
def test_each_role_gets_the_exact_status(app, route):
    world = _build_world()
    assert {role: _status(app, route, world, role) for role in ROLES} == route.expect


def test_exact_figures_link_only_for_administrators(app, client):
    from tests.conftest import sign_in_as

    world = _build_world()
    url = f"/programmes/{world['programme'].id}"
    for role in ROLES:
        visitor = app.test_client()
        visitor.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        if world["cast"][role] is not None:
            sign_in_as(visitor, world["cast"][role])
        page = visitor.get(url).get_data(as_text=True)
        assert ("Show exact figures (recorded)" in page) is (role == "admin"), role
        assert ("Edit the programme" in page) is (role == "admin"), role
        exact = visitor.get(url + "?exact=1")
        assert ("Exact figures: small groups are not hidden." in exact.get_data(as_text=True)) is (
            role == "admin"
        )
        if role == "admin":  # every signed-in page is no-store (app/core/security.py); exact ones above all
            assert exact.headers["Cache-Control"] == "no-store"
