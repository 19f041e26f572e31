"""Administrators find people, grant and withdraw roles per municipality and disable accounts."""

import pytest
import sqlalchemy as sa

from app.accounts.models import RoleAssignment, User
from app.core.models import AuditEntry
from app.extensions import db
from tests.accounts.helpers import translated
from tests.conftest import sign_in_as
from tests.factories import make_admin, make_municipality, make_organiser, make_user
from tests.query_count import count_queries


@pytest.fixture
def admin(client):
    user = make_admin(display_name="Amina Admin")
    sign_in_as(client, user)
    return user


def test_people_are_listed_and_searchable_by_name_email_and_phone(client, admin):
    make_user("Fatou Diallo", email="fatou@example.org")
    make_user("Youssef", phone="+212612345678")
    page = client.get("/admin/people")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert b"Fatou Diallo" in page.data and b"Youssef" in page.data
    by_name = client.get("/admin/people?q=diallo").data
    assert b"Fatou Diallo" in by_name and b"Youssef" not in by_name
    by_email = client.get("/admin/people?q=fatou@exa").data
    assert b"Fatou Diallo" in by_email and b"Youssef" not in by_email
    by_local_phone = client.get("/admin/people?q=0612345678").data
    assert b"Youssef" in by_local_phone and b"Fatou Diallo" not in by_local_phone
    by_digits = client.get("/admin/people?q=345678").data
    assert b"Youssef" in by_digits


def test_search_wildcards_are_taken_literally(client, admin):
    make_user("Fatou")
    assert b"Fatou" not in client.get("/admin/people?q=%25").data
    assert b"Fatou" not in client.get("/admin/people?q=_").data


def test_the_list_is_paginated(client, admin, app):
    for n in range(app.config["JIWAR_PAGE_SIZE"] + 5):
        make_user(f"Person {n:02d}")
    first = client.get("/admin/people").data
    assert b"Person 00" in first and b"Person 24" not in first
    assert b'href="/en/admin/people?page=2"' in first
    second = client.get("/admin/people?page=2").data
    assert b"Person 24" in second
    assert client.get("/admin/people?page=banana").status_code == 200


def test_live_search_returns_the_results_fragment_on_the_same_url(client, admin):
    make_user("Fatou Diallo")
    fragment = client.get("/admin/people?q=fat", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert b"Fatou Diallo" in fragment.data and b"<html" not in fragment.data
    assert "HX-Request" in fragment.headers["Vary"]
    page = client.get("/admin/people?q=fat")
    assert b'hx-get="/en/admin/people"' in page.data and b'method="get"' in page.data
    # The pushed URL restored from history (back button, cache miss) is the whole page again.
    restored = client.get(
        "/admin/people?q=fat", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert b"<html" in restored.data and b"Fatou Diallo" in restored.data


def test_the_page_query_count_does_not_grow_with_the_people(client, admin):
    oujda = make_municipality("oujda")
    make_organiser(oujda)
    client.get("/admin/people")
    with count_queries() as with_two:
        client.get("/admin/people")
    for n in range(30):
        make_organiser(oujda, display_name=f"Organiser {n}")
    with count_queries() as with_many:
        response = client.get("/admin/people")
    assert response.data.count(b"Organiser \xc2\xb7 Oujda") == 19  # a page of 20, the admin first
    assert len(with_many) == len(with_two)


def test_display_names_are_escaped_in_the_list(client, admin):
    make_user("<img src=x onerror=alert(1)>")
    data = client.get("/admin/people").data
    assert b"<img src=x" not in data and b"&lt;img src=x onerror=alert(1)&gt;" in data


def test_granting_and_withdrawing_a_role_is_audited(client, admin):
    oujda = make_municipality("oujda")
    person = make_user("Fatou")
    response = client.post(
        f"/admin/people/{person.id}/roles", data={"role": "organiser", "municipality": str(oujda.id)}
    )
    assert response.status_code == 303
    assignment = db.session.scalar(sa.select(RoleAssignment))
    assert (assignment.user_id, assignment.role, assignment.municipality_id) == (
        person.id,
        "organiser",
        oujda.id,
    )
    assert assignment.granted_by_id == admin.id
    # Granting it again changes nothing.
    client.post(f"/admin/people/{person.id}/roles", data={"role": "organiser", "municipality": str(oujda.id)})
    assert db.session.scalar(sa.select(sa.func.count(RoleAssignment.id))) == 1
    withdraw = client.post(f"/admin/people/{person.id}/roles/{assignment.id}/withdraw")
    assert withdraw.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(RoleAssignment.id))) == 0
    actions = [
        (e.action, e.actor_id, e.target_id, e.details)
        for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))
    ]
    assert actions == [
        ("role.granted", admin.id, person.id, {"role": "organiser", "municipality_id": oujda.id}),
        ("role.withdrawn", admin.id, person.id, {"role": "organiser", "municipality_id": oujda.id}),
    ]


def test_the_new_role_opens_its_pages_at_once(client, admin, app):
    oujda = make_municipality("oujda")
    person = make_user("Fatou")
    their_client = sign_in_as(app.test_client(), person)
    assert their_client.get("/workspace").status_code == 403
    client.post(f"/admin/people/{person.id}/roles", data={"role": "reviewer", "municipality": str(oujda.id)})
    assert their_client.get("/workspace").status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {"role": "admin", "municipality": "1"},
        {"role": "organiser", "municipality": "999"},
        {"role": "organiser", "municipality": ""},
        {"role": "", "municipality": "1"},
    ],
)
def test_bad_role_grants_are_refused(client, admin, data):
    make_municipality("oujda")
    person = make_user("Fatou")
    response = client.post(f"/admin/people/{person.id}/roles", data=data)
    assert response.status_code == 200
    assert b"Choose a role." in response.data or b"Choose a municipality from the list." in response.data
    assert db.session.scalar(sa.select(sa.func.count(RoleAssignment.id))) == 0
    assert not db.session.get(User, person.id).is_admin


def test_withdrawing_another_persons_assignment_through_this_person_is_404(client, admin):
    oujda = make_municipality("oujda")
    organiser = make_organiser(oujda)
    bystander = make_user()
    assignment_id = organiser.roles[0].id
    assert client.post(f"/admin/people/{bystander.id}/roles/{assignment_id}/withdraw").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(RoleAssignment.id))) == 1


def test_disabling_and_enabling_an_account(client, admin):
    person = make_user("Fatou")
    assert client.post(f"/admin/people/{person.id}/disable").status_code == 303
    assert db.session.get(User, person.id).is_disabled
    assert client.post(f"/admin/people/{person.id}/enable").status_code == 303
    assert not db.session.get(User, person.id).is_disabled
    assert [e.action for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))] == [
        "account.disabled",
        "account.enabled",
    ]


def test_an_administrator_cannot_disable_themselves(client, admin):
    response = client.post(f"/admin/people/{admin.id}/disable")
    assert response.status_code == 303
    assert b"You cannot disable your own account." in client.get(response.headers["Location"]).data
    assert not db.session.get(User, admin.id).is_disabled


def test_a_missing_person_is_404(client, admin):
    assert client.get("/admin/people/999").status_code == 404
    assert client.post("/admin/people/999/disable").status_code == 404


def test_an_organiser_typing_the_admin_url_gets_403(client):
    oujda = make_municipality("oujda")
    sign_in_as(client, make_organiser(oujda))
    person = make_user()
    assert client.get("/admin/people").status_code == 403
    assert (
        client.post(
            f"/admin/people/{person.id}/roles", data={"role": "organiser", "municipality": str(oujda.id)}
        ).status_code
        == 403
    )
    assert db.session.scalar(sa.select(sa.func.count(RoleAssignment.id))) == 1  # the organiser's own


def test_extra_fields_cannot_make_someone_an_administrator(client):
    person = make_user("Fatou", email="fatou@example.org")
    sign_in_as(client, person)
    client.post(
        "/me",
        data={
            "display_name": "Fatou",
            "preferred_locale": "fr",
            "municipality": "",
            "is_admin": "y",
            "roles": "organiser",
            "session_version": "99",
        },
    )
    user = db.session.get(User, person.id)
    assert not user.is_admin and user.roles == [] and user.session_version == 1


def test_role_labels_are_translated_on_the_person_page(client, admin):
    oujda = make_municipality("oujda")
    person = make_organiser(oujda)
    page = client.get(f"/admin/people/{person.id}")
    assert b"Organiser \xc2\xb7 Oujda" in page.data
    arabic = client.get(f"/ar/admin/people/{person.id}")
    assert translated(client.application, "ar", "Organiser") + " · وجدة".encode() in arabic.data
