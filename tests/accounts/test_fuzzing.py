"""Random unicode, huge and empty values in every accounts form: never a 500, never a stray write."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.accounts.helpers import use_reset_link
from tests.conftest import sign_in_as
from tests.factories import make_admin, make_municipality, make_reset_token, make_user

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=400),
    st.just(""),
    st.just("\x00"),
    st.just("x" * 20_000),
    st.just("٠٦١٢٣٤٥٦٧٨"),
    st.just("<script>alert(1)</script>"),
)
fields = lambda *names: st.fixed_dictionaries(dict.fromkeys(names, text))  # noqa: E731


def ok(response):
    assert response.status_code < 500, response.status_code
    assert b"<script>alert(1)</script>" not in response.data


@FUZZ
@given(data=fields("display_name", "email", "phone", "municipality", "password", "confirm"))
def test_sign_up(client, data):
    ok(client.post("/sign-up", data=data))


@FUZZ
@given(data=fields("identifier", "password", "next"))
def test_sign_in_and_forgot_password(client, data):
    ok(client.post("/sign-in", data=data))
    ok(client.post("/forgot-password", data={"identifier": data["identifier"]}))


@pytest.fixture
def person(client):
    make_municipality("oujda")
    user = make_user("Fatou", email="fatou@example.org")
    sign_in_as(client, user)
    return user


@FUZZ
@given(
    profile=fields("display_name", "preferred_locale", "municipality"),
    answers=fields("gender", "birth_year", "origin", "country_code"),
    passwords=fields("current_password", "password", "confirm"),
)
def test_personal_forms(client, person, profile, answers, passwords):
    ok(client.post("/me", data=profile))
    ok(client.post("/me/participation/consent", data={"consent": "y"}))
    ok(client.post("/me/participation", data=answers))
    ok(client.post("/me/password", data=passwords))
    ok(client.get("/me"))


@FUZZ
@given(query=text, page=text, role=fields("role", "municipality"))
def test_staff_searches_and_role_form(client, query, page, role):
    admin = make_admin()
    sign_in_as(client, admin)
    ok(client.get("/admin/people", query_string={"q": query, "page": page}))
    ok(client.get("/accounts/desk", query_string={"q": query}))
    ok(client.post(f"/admin/people/{admin.id}/roles", data=role))


@FUZZ
@given(
    token=st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="/?#%"),
        min_size=1,
        max_size=300,
    ),
    data=fields("password", "confirm"),
)
def test_reset_links(client, token, data):
    ok(client.get(f"/reset/{token}"))
    real = make_reset_token(make_user())
    ok(use_reset_link(client, real, data))
