"""Hypothesis-driven fuzzing of query strings and ids in URLs (issue: hardening).

Every GET route, as a role allowed to see it, with random values for the parameters the list,
search and report pages read (sort, filters, page, q and the fields of their filter forms) and
unknown ones: never a 500, unknown values fall back to the page's defaults. Every route with an id
in its path also gets absurd ids (zero, past 32 and 64 bits): a 404, never a 500.
"""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.urls import MAX_ID
from tests.access.test_every_route import RULES
from tests.fuzz import checks
from tests.fuzz.test_forms import FUZZ, allowed_role, prepared
from tests.fuzz.values import (
    encode,
    extra_names,
    field_strategies,
    form_classes,
    numbers,
    text,
    within_request_line,
)

pytestmark = pytest.mark.fuzz

GETS = [route for _, route in RULES if route.method == "GET"]
# Every name the views read from request.args, and what a tinkerer would try.
PARAMETERS = ("q", "page", "sort", "type", "municipality", "category", "date", "language", "min_supports",
              "status", "when", "exact", "next", "v", "programme", "phase", "order", "per_page", "filter")
ID_SEGMENT = re.compile(r"(?<=/)\d+(?=/|$|\?)")


def _query(route, app):
    named = dict.fromkeys(PARAMETERS, st.one_of(numbers, text))
    for form_class in form_classes(app.view_functions[route.endpoint]):
        named.update(field_strategies(form_class))
    known = st.dictionaries(st.sampled_from(sorted(named)), st.just(None), max_size=6).flatmap(
        lambda picked: st.fixed_dictionaries({name: named[name] for name in picked})
    )
    extra = st.dictionaries(extra_names, text, max_size=2)
    return st.tuples(known, extra).map(lambda pair: within_request_line({**pair[1], **pair[0]}))


@pytest.mark.parametrize("route", GETS, ids=[f"{route.id} {route.url}" for route in GETS])
def test_fuzzed_query_string_is_never_a_500(app, route):
    world, client = prepared(app, route)
    role = allowed_role(route)
    url = route.url.format(**world)
    path, _, fixed = url.partition("?")
    filtered = bool(form_classes(app.view_functions[route.endpoint]))

    @FUZZ
    @given(values=_query(route, app), htmx=st.booleans())
    def get(values, htmx):
        query = "&".join(part for part in (fixed, encode(values).decode()) if part)
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.get(f"{path}?{query}", headers=headers)
        checks.assert_proper(response, htmx)
        # Unknown or malformed values fall back to the defaults: the page, not an error; pages with
        # a filter form (the reports) may instead say what is wrong with it (400 or 422).
        allowed = {route.expect[role]} | ({400, 422} if filtered else set())
        assert response.status_code in allowed, values

    get()


ID_ROUTES = [route for _, route in RULES if re.search(r"\{\w+\.\w*id\}", route.url.split("?")[0])]


@pytest.mark.parametrize("route", ID_ROUTES, ids=[route.id for route in ID_ROUTES])
def test_absurd_ids_in_the_path_are_not_found(app, route):
    world, client = prepared(app, route)
    path = route.url.format(**world).split("?")[0]
    count = len(ID_SEGMENT.findall(path))

    @FUZZ
    @given(numbers=st.lists(st.one_of(st.sampled_from([0, 2**31, 2**63 - 1, 2**63]), st.integers(0, 2**70)),
                            min_size=count, max_size=count))
    def visit(numbers):
        pieces = iter(numbers)
        url = ID_SEGMENT.sub(lambda _match: str(next(pieces)), path)
        response = client.open(url, method=route.method)
        checks.assert_proper(response)
        if max(numbers) > MAX_ID:  # no rule matches: not found (or not allowed, by another rule)
            assert response.status_code in (404, 405)

    visit()
