"""Hypothesis-driven fuzzing of the accounts' paths that the route-by-route fuzzers do not walk:
forms sent in the order a person sends them (consent, then the participation answers), the pages
that show back what was stored, staff searches beside the role form, and reset links whose token
is random text in the path. The same values and checks as every fuzzer here (tests/fuzz/values.py,
tests/fuzz/checks.py): never a 500, typed text never reaches a page unescaped.
"""

import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from tests.conftest import sign_in_as
from tests.factories import make_admin, make_municipality, make_reset_token, make_user
from tests.fuzz import checks
from tests.fuzz.test_forms import FUZZ
from tests.fuzz.values import encode, text

pytestmark = pytest.mark.fuzz

# The client and signed-in person are made once per test; each example posts on top of the last.
ACCOUNTS = FUZZ.__class__(FUZZ, suppress_health_check=[*FUZZ.suppress_health_check,
                                                       HealthCheck.function_scoped_fixture])
FORM = "application/x-www-form-urlencoded"


def fields(*names):
    return st.fixed_dictionaries(dict.fromkeys(names, text))


def post(client, url, data):
    response = client.post(url, data=encode(data), content_type=FORM)
    checks.assert_proper(response)
    return response


@ACCOUNTS
@given(data=fields("display_name", "email", "phone", "municipality", "password", "confirm"))
def test_sign_up(client, data):
    post(client, "/sign-up", data)


@ACCOUNTS
@given(data=fields("identifier", "password", "next"))
def test_sign_in_and_forgot_password(client, data):
    post(client, "/sign-in", data)
    post(client, "/forgot-password", {"identifier": data["identifier"]})


@pytest.fixture
def person(client):
    make_municipality("oujda")
    user = make_user("Fatou", email="fatou@example.org")
    sign_in_as(client, user)
    return user


@ACCOUNTS
@given(
    profile=fields("display_name", "preferred_locale", "municipality"),
    answers=fields("gender", "birth_year", "origin", "country_code"),
    passwords=fields("current_password", "password", "confirm"),
)
def test_personal_forms(client, person, profile, answers, passwords):
    post(client, "/me", profile)
    post(client, "/me/participation/consent", {"consent": "y"})  # so the answers are read, not refused
    post(client, "/me/participation", answers)
    post(client, "/me/password", passwords)
    checks.assert_proper(client.get("/me"))  # what was kept, shown back


@ACCOUNTS
@given(query=text, page=text, role=fields("role", "municipality"))
def test_staff_searches_and_role_form(client, query, page, role):
    admin = make_admin()
    sign_in_as(client, admin)
    search = encode({"q": query, "page": page}).decode()
    checks.assert_proper(client.get(f"/admin/people?{search}"))
    checks.assert_proper(client.get(f"/accounts/desk?{encode({'q': query}).decode()}"))
    post(client, f"/admin/people/{admin.id}/roles", role)


@ACCOUNTS
@given(
    token=st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="/?#%"),
        min_size=1,
        max_size=300,
    ),
    data=fields("password", "confirm"),
)
def test_reset_links(client, token, data):
    checks.assert_proper(client.get(f"/reset/{token}"))
    opened = client.get(f"/reset/{make_reset_token(make_user())}")  # a real link, as the email gives it
    assert opened.status_code == 303 and opened.headers["Location"] == "/en/reset"
    post(client, "/reset", data)
