"""Distinct people by sex and age, hand-computed on the fixed data set (tests/reports/dataset.py).

Age at the first event attended in the selection: A (woman, 1990) first came to E2 in 2025: 35;
B (woman, 2011) E2 2025: 14; C (man, 1985) E1 2026: 41; D (man, 1960) E2 2025: 65; P (woman, no
consent): gender and age not recorded. So the whole programme has 1 girl (B), 0 boys, 1 woman (A),
2 men (C, D) and 1 person not recorded (P)."""

import csv
import io

import pytest

from app.extensions import db
from app.programmes.models import Programme
from tests.conftest import sign_in_as
from tests.factories import make_admin, make_municipality, make_programme
from tests.reports.dataset import KEYS, build_dataset, published
from tests.reports.html import report_cells

SEX_AGE = "table-crossed-sex-age"
BANDS = "table-crossed-sex-bands"


@pytest.fixture
def data():
    return build_dataset()


def table(cells: dict, name: str) -> dict:
    return {(row, column): text for (t, row, column), text in cells.items() if t == name}


def page_cells(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    return report_cells(response.get_data(as_text=True))


def test_exact_girls_boys_women_men_on_the_report(client, data):
    sign_in_as(client, make_admin())
    cells = table(page_cells(client, f"/reports?programme={data.programme.id}&exact=1"), SEX_AGE)
    assert cells[("minor", "woman")] == "1"  # B, 14 at E2
    assert cells[("minor", "man")] == "0"
    assert cells[("adult", "woman")] == "1"  # A
    assert cells[("adult", "man")] == "2"  # C and D
    assert cells[("unknown", "")] == "1"  # P: no consent, nothing recorded
    assert cells[("minor", "total")] == "1" and cells[("adult", "total")] == "3"
    assert cells[("total", "woman")] == "2" and cells[("total", "total")] == "5"


def test_the_programme_page_protects_small_groups(client, data):
    """Anonymous visitors of the public page: every group of 1 to 4 people reads "< 5", zero reads 0,
    and the total is the one figure five people with these record keys always get."""
    response = client.get(f"/en/programmes/{data.programme.id}")
    html = response.get_data(as_text=True)
    cells = table(report_cells(html), SEX_AGE)
    assert cells[("minor", "woman")] == "< 5"
    assert cells[("adult", "man")] == "< 5"
    assert cells[("minor", "man")] == "0"
    everyone = KEYS["A"] + KEYS["B"] + KEYS["C"] + KEYS["D"] + KEYS["P"]
    assert cells[("total", "total")] == str(published(5, everyone))
    # The headline says the same: girls, boys, women, men.
    headline = html[html.index('id="sex-age-headline"'):]
    headline = headline[: headline.index("</dl>")]
    assert ">Girls<" in headline and ">Men<" in headline
    assert headline.count("&lt; 5") == 3 and ">0<" in headline


def test_two_men_are_shown_perturbed_when_the_threshold_is_two(client, data, app, monkeypatch):
    monkeypatch.setitem(app.config, "JIWAR_DISCLOSURE_THRESHOLD", 2)
    cells = table(page_cells(client, f"/en/programmes/{data.programme.id}"), SEX_AGE)
    assert cells[("adult", "man")] == str(published(2, KEYS["C"] + KEYS["D"], threshold=2))
    assert cells[("adult", "woman")] == "< 2"  # A alone
    assert cells[("minor", "woman")] == "< 2"  # B alone


def test_a_period_counts_age_at_the_first_event_in_it(client, data):
    """2026 only: E1. A is 36, B 15 (still under 18), C 41; D did not come; P not recorded."""
    sign_in_as(client, make_admin())
    query = f"programme={data.programme.id}&date_from=2026-01-01&date_to=2026-12-31&exact=1"
    cells = table(page_cells(client, f"/reports?{query}"), SEX_AGE)
    assert (cells[("minor", "woman")], cells[("adult", "woman")], cells[("adult", "man")]) == ("1", "1", "1")
    assert cells[("unknown", "")] == "1" and cells[("total", "total")] == "4"


def test_the_programme_s_own_age_bands(client, data):
    """Bands 0-14, 15-24, 60+: B (14) in the first, D (65) in the last; A (35) and C (41) fall in
    no band ("other ages"), P's age is not recorded."""
    programme = db.session.get(Programme, data.programme.id)
    programme.age_bands = "0-14,15-24,60+"
    db.session.commit()
    sign_in_as(client, make_admin())
    cells = table(page_cells(client, f"/en/programmes/{data.programme.id}?exact=1"), BANDS)
    assert cells[("0-14", "woman")] == "1"
    assert cells[("15-24", "total")] == "0"
    assert cells[("60+", "man")] == "1"
    assert cells[("other", "woman")] == "1" and cells[("other", "man")] == "1"
    assert cells[("unknown", "")] == "1" and cells[("total", "total")] == "5"


def programme_form(oujda, age_bands: str) -> dict:
    return {
        "name": "Programme UE",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "municipality_ids": [str(oujda.id)],
        "age_bands": age_bands,
    }


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0-17, 15-24", "15-24 overlaps 0-17: each band starts after the one before ends."),
        ("25-59, 0-17", "0-17 overlaps 25-59"),
        ("24-15", "24-15: the lowest age comes first."),
        ("60+, 70+", "70+ overlaps 60+"),
        ("enfants", "&#34;enfants&#34; is not an age band"),
        ("0-200", "0-200: ages go up to 120."),
    ],
)
def test_wrong_age_bands_are_refused_with_the_typed_text_kept(client, typed, message):
    oujda = make_municipality("oujda")
    programme = make_programme([oujda])
    sign_in_as(client, make_admin())
    response = client.post(f"/en/programmes/{programme.id}/edit", data=programme_form(oujda, typed))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert message in text
    assert f'value="{typed}"' in text
    db.session.rollback()
    saved = db.session.get(Programme, programme.id)
    assert (saved.name, saved.age_bands) == ("Initiative 3H — Oujda", "")


def test_age_bands_are_stored_in_order_as_typed(client):
    oujda = make_municipality("oujda")
    programme = make_programme([oujda])
    sign_in_as(client, make_admin())
    response = client.post(
        f"/en/programmes/{programme.id}/edit", data=programme_form(oujda, " 0-17 ; 18 – 24, 25-59,60 +")
    )
    assert response.status_code == 303
    db.session.rollback()
    assert db.session.get(Programme, programme.id).age_bands == "0-17,18-24,25-59,60+"
    page = client.get(f"/en/programmes/{programme.id}").get_data(as_text=True)
    assert "18 to 24" in page and "60 and over" in page


def test_sex_and_age_exports_as_csv_like_the_page(client, data):
    sign_in_as(client, data.organiser)
    query = f"programme={data.programme.id}"
    page = table(page_cells(client, f"/reports?{query}"), SEX_AGE)
    response = client.get(f"/en/reports/export/sex_age.csv?{query}")
    assert response.status_code == 200
    rows = {row[0]: row[1:] for row in csv.reader(io.StringIO(response.data.decode("utf-8-sig"))) if row}
    assert rows["Under 18"] == [page[("minor", key)] for key in ("woman", "man", "undisclosed", "", "total")]
    assert rows["Under 18"][0] == "< 5"
