"""Administrators add municipalities and correct their names; the country sets the time zone."""

import pytest
import sqlalchemy as sa

from app.accounts.models import Municipality
from app.core.models import AuditEntry
from app.extensions import db
from tests.accounts.helpers import translated
from tests.conftest import sign_in_as
from tests.factories import make_admin, make_event

NADOR = {"name_fr": "Nador", "name_ar": "الناظور", "name_en": "", "slug": "nador", "country_code": "MA"}


@pytest.fixture
def admin(client):
    user = make_admin(display_name="Amina Admin")
    sign_in_as(client, user)
    return user


def municipalities() -> dict[str, Municipality]:
    db.session.expire_all()
    return {m.slug: m for m in db.session.scalars(sa.select(Municipality))}


def test_an_administrator_adds_a_municipality_that_events_can_then_use(client, admin, oujda):
    response = client.post("/admin/municipalities/new", data=NADOR)
    assert response.status_code == 303
    nador = municipalities()["nador"]
    # No English name given: the French one.
    assert (nador.name_fr, nador.name_ar, nador.name_en) == ("Nador", "الناظور", "Nador")
    assert (nador.country_code, nador.timezone) == ("MA", "Africa/Casablanca")
    listing = client.get(response.headers["Location"])
    assert b"Nador" in listing.data and b"Morocco" in listing.data
    arabic = client.get("/ar/admin/municipalities").data.decode()
    assert "الناظور" in arabic and "المغرب" in arabic  # names and countries in the page's language
    make_event(nador, title="Journée portes ouvertes")
    assert client.get("/events?municipality=nador").status_code == 200
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.target_id == nador.id)) == (
        "municipality.created"
    )


def test_a_tunisian_municipality_gets_the_tunis_clock(client, admin):
    client.post("/admin/municipalities/new", data={**NADOR, "slug": "raoued", "name_fr": "Raoued",
                                                   "country_code": "TN"})
    assert municipalities()["raoued"].timezone == "Africa/Tunis"


def test_correcting_a_name_keeps_everything_attached(client, admin, oujda):
    event = make_event(oujda)
    form = client.get(f"/admin/municipalities/{oujda.id}/edit").data.decode()
    assert 'value="oujda"' in form
    response = client.post(f"/admin/municipalities/{oujda.id}/edit",
                           data={"name_fr": "Oujda (commune)", "name_ar": "وجدة", "name_en": "Oujda",
                                 "slug": "oujda", "country_code": "MA"})
    assert response.status_code == 303
    assert municipalities()["oujda"].name_fr == "Oujda (commune)"
    assert db.session.get(type(event), event.id).municipality_id == oujda.id


@pytest.mark.parametrize(("change", "field_error"), [
    ({"slug": "Nador City"}, "Use lowercase letters, digits and hyphens only, such as la-marsa."),
    ({"slug": "oujda"}, "Another municipality already has this short name."),
    ({"country_code": "FR"}, "Choose a country from the list."),
    ({"name_fr": ""}, "Give the name."),
    ({"slug": ""}, "Give a short name."),
    ({"name_fr": "N" * 121}, "Field cannot be longer than 120 characters."),
])
def test_bad_input_is_refused_with_the_reason_and_what_was_typed_kept(client, app, admin, oujda, change,
                                                                      field_error):
    before = municipalities()
    response = client.post("/admin/municipalities/new", data={**NADOR, **change},
                           headers={"Accept-Language": "fr"})
    assert response.status_code == 422
    if field_error.startswith("Field cannot"):
        assert b"120" in response.data
    else:
        assert translated(app, "fr", field_error) in response.data
    assert "الناظور" in response.data.decode()  # what the administrator typed is still there
    assert set(municipalities()) == set(before)


def test_two_municipalities_cannot_swap_into_one_short_name(client, admin, oujda, la_marsa):
    response = client.post(f"/admin/municipalities/{la_marsa.id}/edit",
                           data={**NADOR, "slug": "oujda", "country_code": "TN"})
    assert response.status_code == 422
    assert municipalities()["la-marsa"].name_fr != "Nador"


def test_only_administrators_reach_the_municipalities(client, oujda):
    from tests.factories import make_organiser

    sign_in_as(client, make_organiser(oujda))
    assert client.get("/admin/municipalities").status_code == 403
    assert client.post("/admin/municipalities/new", data=NADOR).status_code == 403
    assert "nador" not in municipalities()
