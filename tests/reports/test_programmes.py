"""Administrators manage programmes, their targets and what is attached to them."""

import sqlalchemy as sa

from app.core.models import AuditEntry
from app.events.models import Event
from app.extensions import db
from app.programmes.models import Programme
from app.proposals.models import ProposalCall
from app.reports.models import Target
from tests.conftest import sign_in_as
from tests.factories import (
    make_admin,
    make_call,
    make_event,
    make_municipality,
    make_organiser,
    make_programme,
    make_target,
)


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_admin_creates_a_programme(client):
    oujda = make_municipality("oujda")
    sign_in_as(client, make_admin())
    response = client.post(
        "/programmes/new",
        data={
            "name_fr": "Initiative 3H — Oujda",
            "description_fr": "Cohésion sociale",
            "starts_on": "2026-01-01",
            "ends_on": "2027-12-31",
            "municipality_ids": [str(oujda.id)],
            "is_public": "y",
        },
    )
    assert response.status_code == 303
    db.session.rollback()
    programme = db.session.scalars(sa.select(Programme)).one()
    assert response.headers["Location"].endswith(f"/programmes/{programme.id}")
    assert [m.slug for m in programme.municipalities] == ["oujda"]
    assert programme.is_public
    page = client.get(response.headers["Location"])
    assert "Initiative 3H — Oujda" in page.get_data(as_text=True)
    assert count(AuditEntry) == 1


def test_programme_with_the_end_before_the_start_is_refused_and_keeps_what_was_typed(client):
    oujda = make_municipality("oujda")
    sign_in_as(client, make_admin())
    response = client.post(
        "/programmes/new",
        data={
            "name_fr": "Programme à l'envers",
            "starts_on": "2026-12-31",
            "ends_on": "2026-01-01",
            "municipality_ids": [str(oujda.id)],
        },
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "The end date must be on or after the start date." in text
    assert "Programme à l&#39;envers" in text
    assert count(Programme) == 0


def test_programme_needs_a_municipality_and_a_name(client):
    make_municipality("oujda")
    sign_in_as(client, make_admin())
    data = {"name_fr": "", "starts_on": "2026-01-01", "ends_on": "nope"}
    response = client.post("/programmes/new", data=data)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Choose at least one municipality." in text
    assert "Name the programme in at least one language." in text
    assert "Enter a date (year-month-day)." in text
    assert count(Programme) == 0


def test_programme_form_in_french(client):
    make_municipality("oujda")
    sign_in_as(client, make_admin())
    response = client.get("/fr/programmes/new")
    assert response.status_code == 200
    assert '<html lang="fr" dir="ltr">' in response.get_data(as_text=True)


def test_admin_edits_a_programme_and_cannot_drop_a_town_still_in_use(client):
    oujda, la_marsa = make_municipality("oujda"), make_municipality("la-marsa")
    programme = make_programme([oujda, la_marsa])
    make_event(la_marsa, programme_id=programme.id)
    sign_in_as(client, make_admin())
    form = {
        "name_fr": "Renamed",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "municipality_ids": [str(oujda.id)],
    }
    response = client.post(f"/programmes/{programme.id}/edit", data=form)
    assert response.status_code == 422
    assert "detach them first" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Programme, programme.id).name == "Initiative 3H — Oujda"
    response = client.post(
        f"/programmes/{programme.id}/edit",
        data={**form, "municipality_ids": [str(oujda.id), str(la_marsa.id)]},
    )
    assert response.status_code == 303
    db.session.rollback()
    assert db.session.get(Programme, programme.id).name == "Renamed"


def test_admin_adds_edits_and_deletes_a_target(client):
    programme = make_programme([make_municipality("oujda")])
    sign_in_as(client, make_admin())
    response = client.post(
        f"/programmes/{programme.id}/targets/new",
        data={
            "title_fr": "Enfants touchés",
            "measure": "people",
            "age_max": "17",
            "goal": "30",
            "share": "gender:woman",
            "share_min_percent": "35",
            "event_types": ["workshop", "training"],
        },
    )
    assert response.status_code == 303
    db.session.rollback()
    target = db.session.scalars(sa.select(Target)).one()
    assert (
        target.age_max,
        target.goal,
        target.share_dimension,
        target.share_value,
        target.share_min_percent,
    ) == (17, 30, "gender", "woman", 35)
    assert target.event_types == "workshop,training"
    page = client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert "Enfants touchés" in page and "aged 17 or under" in page and "Workshop, Training" in page
    edit = client.get(f"/programmes/{programme.id}/targets/{target.id}/edit").get_data(as_text=True)
    assert '<option selected value="gender:woman">' in edit
    response = client.post(
        f"/programmes/{programme.id}/targets/{target.id}/edit",
        data={
            "title_fr": "Enfants",
            "measure": "people",
            "goal": "40",
            "age_max": "",
            "share": "",
            "share_min_percent": "",
        },
    )  # a browser sends every field, empty or not
    assert response.status_code == 303
    db.session.rollback()
    target = db.session.get(Target, target.id)
    assert (target.title, target.goal, target.share_dimension, target.event_types) == (
        "Enfants",
        40,
        None,
        "",
    )
    response = client.post(f"/programmes/{programme.id}/targets/{target.id}/delete")
    assert response.status_code == 303
    assert count(Target) == 0


def test_target_bad_inputs(client):
    programme = make_programme([make_municipality("oujda")])
    sign_in_as(client, make_admin())
    url = f"/programmes/{programme.id}/targets/new"
    cases = [
        (
            {"title_fr": "Formés", "measure": "people_min_sessions", "goal": "25"},
            "Say how many sessions a person must attend.",
        ),
        (
            {"title_fr": "Jeunes", "measure": "people", "goal": "25", "age_min": "24", "age_max": "15"},
            "The lowest age must not be above the highest age.",
        ),
        (
            {"title_fr": "Femmes", "measure": "people", "goal": "25", "share": "gender:woman"},
            "A share target needs both a group and a percentage.",
        ),
        ({"title_fr": "Zéro", "measure": "people", "goal": "0"}, "Enter a whole number."),
        ({"title_fr": "Texte", "measure": "people", "goal": "beaucoup"}, "Enter a whole number."),
        ({"title_fr": "Mesure", "measure": "nonsense", "goal": "5"}, "Choose from the list."),
        (
            {
                "title_fr": "Groupe",
                "measure": "people",
                "goal": "5",
                "share": "origin:martian",
                "share_min_percent": "5",
            },
            "Choose a group from the list.",
        ),
        (
            {
                "title_fr": "Part",
                "measure": "people",
                "goal": "5",
                "share": "gender:woman",
                "share_min_percent": "120",
            },
            "Enter a percentage from 1 to 100.",
        ),
    ]
    for data, message in cases:
        response = client.post(url, data=data)
        assert response.status_code == 422, data
        text = response.get_data(as_text=True)
        assert message in text, data
        assert data["title_fr"] in text
    assert count(Target) == 0


def test_admin_attaches_and_detaches_events_and_calls(client):
    oujda, la_marsa = make_municipality("oujda"), make_municipality("la-marsa")
    programme = make_programme([oujda])
    event = make_event(oujda, title="Journée de sensibilisation")
    elsewhere = make_event(la_marsa, title="Atelier à La Marsa")
    call = make_call(oujda, title="Budget participatif")
    sign_in_as(client, make_admin())
    page = client.get(f"/programmes/{programme.id}/links").get_data(as_text=True)
    assert "Journée de sensibilisation" in page and "Atelier à La Marsa" not in page
    url = f"/programmes/{programme.id}/links"
    assert (
        client.post(url, data={"kind": "event", "action": "attach", "object_id": event.id}).status_code == 303
    )
    assert (
        client.post(url, data={"kind": "call", "action": "attach", "object_id": call.id}).status_code == 303
    )
    db.session.rollback()
    assert db.session.get(Event, event.id).programme_id == programme.id
    assert db.session.get(ProposalCall, call.id).programme_id == programme.id
    response = client.post(url, data={"kind": "event", "action": "attach", "object_id": elsewhere.id})
    assert response.status_code == 422
    assert (
        "Only events and calls of the programme&#39;s municipalities can be attached."
        in response.get_data(as_text=True)
    )
    response = client.post(url, data={"kind": "event", "action": "attach", "object_id": 999999})
    assert response.status_code == 422
    assert "This event or call no longer exists." in response.get_data(as_text=True)
    assert (
        client.post(url, data={"kind": "event", "action": "detach", "object_id": event.id}).status_code == 303
    )
    db.session.rollback()
    assert db.session.get(Event, event.id).programme_id is None
    assert db.session.get(Event, elsewhere.id).programme_id is None


def test_programme_list_shows_public_programmes_and_the_organisers_own(client):
    oujda, la_marsa = make_municipality("oujda"), make_municipality("la-marsa")
    make_programme([oujda], name="Public Oujda")
    make_programme([oujda], name="Interne Oujda", is_public=False)
    make_programme([la_marsa], name="Interne La Marsa", is_public=False)
    anonymous = client.get("/programmes").get_data(as_text=True)
    assert "Public Oujda" in anonymous and "Interne" not in anonymous
    sign_in_as(client, make_organiser(oujda))
    organiser = client.get("/programmes").get_data(as_text=True)
    assert "Interne Oujda" in organiser and "Interne La Marsa" not in organiser
    sign_in_as(client, make_admin())
    admin = client.get("/programmes").get_data(as_text=True)
    assert "Interne La Marsa" in admin and "New programme" in admin


def test_programme_page_in_arabic_is_right_to_left(client):
    programme = make_programme([make_municipality("oujda")])
    make_target(programme, goal=800)
    page = client.get(f"/ar/programmes/{programme.id}").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "وجدة" in page


def test_admin_deletes_an_empty_programme_but_not_one_with_events(client):
    oujda = make_municipality("oujda")
    empty = make_programme([oujda], name="Vide")
    busy = make_programme([oujda], name="Occupé")
    make_event(oujda, programme_id=busy.id)
    make_target(empty)
    sign_in_as(client, make_admin())
    response = client.post(f"/programmes/{busy.id}/delete")
    assert response.status_code == 303
    response = client.get(response.headers["Location"])
    assert "Detach the programme&#39;s events and calls before deleting it." in response.get_data(
        as_text=True
    )
    response = client.post(f"/programmes/{empty.id}/delete")
    assert response.status_code == 303 and response.headers["Location"].endswith("/programmes")
    assert count(Programme) == 1
    assert count(Target) == 0
