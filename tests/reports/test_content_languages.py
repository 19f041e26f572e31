"""Programmes and targets in French, Arabic and English: the reader's language, else a fallback
marked with its lang, dir and "(in French)"; the forms say which languages are missing."""

import sqlalchemy as sa

from app.extensions import db
from app.programmes.models import Programme
from app.reports.models import Target
from tests.conftest import sign_in_as
from tests.factories import make_admin, make_municipality, make_programme, make_target


def test_a_programme_and_its_targets_are_read_in_each_language_or_marked(client):
    oujda = make_municipality("oujda")
    programme = make_programme([oujda], name="Initiative 3H", description="Cohésion sociale")
    programme.name_ar = "مبادرة 3H"
    target = make_target(programme, title="Personnes touchées", goal=800)
    target.title_en = "People reached"
    db.session.commit()
    arabic = client.get(f"/ar/programmes/{programme.id}").get_data(as_text=True)
    assert '<h1 lang="ar" dir="rtl">مبادرة 3H</h1>' in arabic
    assert '<p lang="fr" dir="ltr" class="programme-description">Cohésion sociale</p>' in arabic
    marked = '<h3 lang="fr" dir="ltr">Personnes touchées</h3> <small class="fallback">(بالفرنسية)</small>'
    assert marked in arabic
    english = client.get(f"/en/programmes/{programme.id}").get_data(as_text=True)
    assert '<h3 lang="en" dir="ltr">People reached</h3>' in english
    assert '<h1 lang="fr" dir="ltr">Initiative 3H</h1> <small class="fallback">(in French)</small>' in english
    listing = client.get("/ar/programmes").get_data(as_text=True)
    assert '<span lang="ar" dir="rtl">مبادرة 3H</span>' in listing


def test_a_target_form_without_any_title_is_refused_and_says_what_is_missing(client):
    programme = make_programme([make_municipality("oujda")])
    sign_in_as(client, make_admin())
    response = client.post(
        f"/en/programmes/{programme.id}/targets/new", data={"measure": "people", "goal": "30"}
    )
    assert response.status_code == 422
    assert "Give the target a title in at least one language." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Target.id))) == 0
    response = client.post(
        f"/en/programmes/{programme.id}/targets/new",
        data={"title_ar": "أطفال", "measure": "people", "goal": "30"},
    )
    assert response.status_code == 303
    target = db.session.scalar(sa.select(Target))
    edit = client.get(f"/en/programmes/{programme.id}/targets/{target.id}/edit").get_data(as_text=True)
    assert "Not written yet in: French and English" in edit
    assert 'value="أطفال"' in edit


def test_a_programme_named_in_arabic_only_is_saved_so(client):
    oujda = make_municipality("oujda")
    sign_in_as(client, make_admin())
    response = client.post(
        "/en/programmes/new",
        data={
            "name_ar": "برنامج الحي",
            "starts_on": "2026-01-01",
            "ends_on": "2027-12-31",
            "municipality_ids": [str(oujda.id)],
        },
    )
    assert response.status_code == 303
    programme = db.session.scalar(sa.select(Programme))
    assert (programme.name_fr, programme.name_ar, programme.name_en) == (None, "برنامج الحي", None)
