"""Hand-computed figures on the fixed data set of tests/reports/dataset.py (read its table first).

Exact figures are read as an administrator (?exact=1); an organiser's figures are perturbed
(app/reports/cellkey.py), and the dataset's fixed record keys say which figure they get
(`published`); test_cell_keys.py and test_exports.py cover what protection does.
"""

import pytest
import sqlalchemy as sa

from app.core.models import AuditEntry
from app.extensions import db
from app.reports.models import Measure
from tests.conftest import sign_in_as
from tests.factories import make_admin, make_attendance, make_target
from tests.reports.dataset import KEYS, build_dataset, published
from tests.reports.html import report_cells

# The record keys behind the programme's 13 attendances: a registered person's key once for each
# session they attended (A 4, B 3, C, D, P 1 each), each walk-in's own key.
ALL_ATTENDANCES = (
    4 * KEYS["A"] + 3 * KEYS["B"] + KEYS["C"] + KEYS["D"] + KEYS["P"] + KEYS["W1"] + KEYS["W2"] + KEYS["W3"]
)
WALK_INS = KEYS["W1"] + KEYS["W2"] + KEYS["W3"]


@pytest.fixture
def data():
    return build_dataset()


@pytest.fixture
def no_threshold(app, monkeypatch):
    monkeypatch.setitem(app.config, "JIWAR_DISCLOSURE_THRESHOLD", 1)


def cells_of(client, query: str) -> dict:
    response = client.get("/reports?" + query)
    assert response.status_code == 200
    return report_cells(response.get_data(as_text=True))


def column(cells, table, column_name) -> dict:
    return {row: int(text) for (t, row, c), text in cells.items() if t == table and c == column_name}


def test_summary_counts_people_once_and_walk_ins_as_attendances_only(client, data):
    sign_in_as(client, make_admin())
    cells = cells_of(client, f"programme={data.programme.id}&exact=1")
    # E1: A, B, C, P + 3 walk-ins = 7; E2: A x3, B x2, D x1 = 6.
    assert column(cells, "table-summary", "attendances") == {"summary": 13}
    assert column(cells, "table-summary", "registered") == {"summary": 10}
    assert column(cells, "table-summary", "walk_ins") == {"summary": 3}
    # A, B, C, D, P: each once, however many sessions; walk-ins are not people we can count once.
    assert column(cells, "table-summary", "people") == {"summary": 5}


def test_gender_breakdown(client, data):
    sign_in_as(client, make_admin())
    cells = cells_of(client, f"programme={data.programme.id}&exact=1")
    # P has not consented: counted, but "not recorded" (row key "").
    assert column(cells, "table-gender", "people") == {
        "woman": 2,
        "man": 2,
        "undisclosed": 0,
        "": 1,
        "total": 5,
    }
    assert column(cells, "table-gender", "registered") == {
        "woman": 7,
        "man": 2,
        "undisclosed": 0,
        "": 1,
        "total": 10,
    }
    assert column(cells, "table-gender", "walk_ins") == {
        "woman": 1,
        "man": 1,
        "undisclosed": 0,
        "": 1,
        "total": 3,
    }
    assert column(cells, "table-gender", "attendances") == {
        "woman": 8,
        "man": 3,
        "undisclosed": 0,
        "": 2,
        "total": 13,
    }


def test_origin_breakdown(client, data):
    sign_in_as(client, make_admin())
    cells = cells_of(client, f"programme={data.programme.id}&exact=1")
    people = column(cells, "table-origin", "people")
    assert people == {
        "host": 1,
        "migrant": 2,
        "refugee": 1,
        "returnee": 0,
        "undisclosed": 0,
        "": 1,
        "total": 5,
    }
    attendances = column(cells, "table-origin", "attendances")
    assert attendances == {
        "host": 2,
        "migrant": 8,
        "refugee": 1,
        "returnee": 0,
        "undisclosed": 0,
        "": 2,
        "total": 13,
    }
    assert column(cells, "table-origin", "walk_ins") == {
        "host": 1,
        "migrant": 1,
        "refugee": 0,
        "returnee": 0,
        "undisclosed": 0,
        "": 1,
        "total": 3,
    }


def test_age_band_is_the_age_at_the_date_of_each_event(client, data):
    """B, born 2011, is 14 at the 2025 training (two sessions) and 15 at the 2026 awareness event."""
    sign_in_as(client, make_admin())
    cells = cells_of(client, f"programme={data.programme.id}&exact=1")
    assert column(cells, "table-age_band", "registered") == {
        "0-14": 2,
        "15-24": 1,
        "25-59": 5,
        "60+": 1,
        "": 1,
        "total": 10,
    }
    assert column(cells, "table-age_band", "walk_ins") == {
        "0-14": 0,
        "15-24": 1,
        "25-59": 1,
        "60+": 0,
        "": 1,
        "total": 3,
    }
    # A person counts once, at the age of the first event they attended in the selection: B at 14.
    assert column(cells, "table-age_band", "people") == {
        "0-14": 1,
        "15-24": 0,
        "25-59": 2,
        "60+": 1,
        "": 1,
        "total": 5,
    }


def test_age_band_follows_the_period_chosen(client, data):
    sign_in_as(client, make_admin())
    cells = cells_of(client, f"programme={data.programme.id}&date_from=2026-01-01&date_to=2026-12-31&exact=1")
    # Only E1: B is 15 there.
    assert column(cells, "table-age_band", "people") == {
        "0-14": 0,
        "15-24": 1,
        "25-59": 2,
        "60+": 0,
        "": 1,
        "total": 4,
    }
    assert column(cells, "table-summary", "attendances") == {"summary": 7}


def test_country_breakdown(client, data):
    sign_in_as(client, make_admin())
    cells = cells_of(client, f"programme={data.programme.id}&exact=1")
    assert column(cells, "table-country", "people") == {"CI": 2, "MA": 1, "SN": 1, "": 1, "total": 5}
    # Walk-ins give no country: they are "not recorded", and say so in their own column.
    assert column(cells, "table-country", "walk_ins") == {"CI": 0, "MA": 0, "SN": 0, "": 3, "total": 3}
    assert column(cells, "table-country", "attendances") == {"CI": 7, "MA": 1, "SN": 1, "": 4, "total": 13}
    page = client.get(f"/reports?programme={data.programme.id}&exact=1").get_data(as_text=True)
    assert "Côte d’Ivoire" in page or "Côte d'Ivoire" in page


def test_gender_by_origin(client, data):
    sign_in_as(client, make_admin())
    cells = cells_of(client, f"programme={data.programme.id}&exact=1")
    people = {(row, c): int(v) for (t, row, c), v in cells.items() if t == "table-crossed-people"}
    assert people[("woman", "migrant")] == 2
    assert people[("man", "host")] == 1
    assert people[("man", "refugee")] == 1
    assert people[("", "")] == 1
    assert (
        people[("woman", "total")] == 2
        and people[("total", "migrant")] == 2
        and people[("total", "total")] == 5
    )
    assert sum(v for (row, c), v in people.items() if row != "total" and c != "total") == 5
    attendances = {(row, c): int(v) for (t, row, c), v in cells.items() if t == "table-crossed-attendances"}
    # A 4 + B 3 + walk-in W1; C 1 + walk-in W2; D 1; P 1 + walk-in W3.
    assert attendances[("woman", "migrant")] == 8
    assert attendances[("man", "host")] == 2
    assert attendances[("man", "refugee")] == 1
    assert attendances[("", "")] == 2
    assert attendances[("total", "total")] == 13


def test_filters_by_event_type_event_and_municipality(client, data):
    sign_in_as(client, make_admin())
    training = cells_of(client, "event_type=training&exact=1")
    assert column(training, "table-summary", "attendances") == {"summary": 6}
    assert column(training, "table-summary", "people") == {"summary": 3}
    one_event = cells_of(client, f"event={data.e1.id}&exact=1")
    assert column(one_event, "table-summary", "attendances") == {"summary": 7}
    assert column(one_event, "table-summary", "walk_ins") == {"summary": 3}
    la_marsa = cells_of(client, f"municipality={data.la_marsa.id}&exact=1")
    assert column(la_marsa, "table-summary", "attendances") == {"summary": 1}
    everything = cells_of(client, "exact=1")
    assert column(everything, "table-summary", "attendances") == {"summary": 14}
    assert column(everything, "table-summary", "people") == {"summary": 5}  # C once, across two towns


def test_organisers_see_only_their_municipalities(client, data, no_threshold):
    sign_in_as(client, data.organiser_marsa)
    cells = cells_of(client, "")
    # C at E3 only
    assert column(cells, "table-summary", "attendances") == {"summary": published(1, KEYS["C"], 1)}
    sign_in_as(client, data.organiser)
    cells = cells_of(client, "")
    assert column(cells, "table-summary", "attendances") == {"summary": published(13, ALL_ATTENDANCES, 1)}


def test_a_report_read_again_shows_what_was_written_since_and_only_what_its_reader_may_see(
    app, client, data, no_threshold
):
    """Reports are kept per process between writes: a check-in shows at once, and a report counted
    for one reader's towns is never given to another (both signed in before any report is read, so
    no write comes between their reads), in the same language."""
    data.organiser.preferred_locale = data.organiser_marsa.preferred_locale = "fr"
    db.session.commit()
    marsa = app.test_client()
    sign_in_as(client, data.organiser)
    sign_in_as(marsa, data.organiser_marsa)
    oujda = {"summary": published(13, ALL_ATTENDANCES, 1)}
    la_marsa = {"summary": published(1, KEYS["C"], 1)}
    assert column(cells_of(client, ""), "table-summary", "attendances") == oujda
    assert column(cells_of(marsa, ""), "table-summary", "attendances") == la_marsa
    make_attendance(data.e1.sessions[0], record_key=40)
    assert published(14, ALL_ATTENDANCES + 40, 1) != oujda["summary"]  # the check-in shows
    assert column(cells_of(client, ""), "table-summary", "attendances") == {
        "summary": published(14, ALL_ATTENDANCES + 40, 1)
    }
    assert column(cells_of(marsa, ""), "table-summary", "attendances") == la_marsa


def test_organisers_cannot_reach_another_municipality_by_its_filter(client, data):
    sign_in_as(client, data.organiser)
    response = client.get(f"/reports?municipality={data.la_marsa.id}")
    assert response.status_code == 422
    assert b"Choose from the list." in response.data


def test_organisers_never_get_exact_figures(client, data):
    sign_in_as(client, data.organiser)
    cells = cells_of(client, f"programme={data.programme.id}&exact=1")
    assert cells[("table-summary", "summary", "walk_ins")] == "< 5"
    db.session.rollback()  # the test's own read transaction must not hide what requests wrote
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_every_view_of_exact_figures_is_recorded(client, data):
    admin = make_admin()
    sign_in_as(client, admin)
    client.get(f"/reports?programme={data.programme.id}")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0
    db.session.rollback()  # end the test's read transaction, so it sees what the next requests write
    client.get(f"/reports?programme={data.programme.id}&exact=1")
    client.get(f"/programmes/{data.programme.id}?exact=1")
    db.session.rollback()
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_id, e.details["view"]) for e in entries] == [
        ("reports.exact_figures_viewed", admin.id, "report"),
        ("reports.exact_figures_viewed", admin.id, "programme"),
    ]
    assert entries[0].details["programme_id"] == data.programme.id
    assert "Personne" not in str(entries[0].details)


def test_protected_report_hides_small_groups(client, data):
    sign_in_as(client, data.organiser)
    cells = cells_of(client, f"programme={data.programme.id}")
    assert cells[("table-gender", "woman", "people")] == "< 5"
    assert cells[("table-summary", "summary", "walk_ins")] == "< 5"
    # 13 attendances, 10 of them registered: both published with their noise (14 and 12 here), so
    # the 3 walk-ins are not 13 - 10; only their "< 5" is told.
    assert cells[("table-summary", "summary", "attendances")] == str(published(13, ALL_ATTENDANCES))
    assert cells[("table-summary", "summary", "registered")] == str(published(10, ALL_ATTENDANCES - WALK_INS))
    assert (published(13, ALL_ATTENDANCES), published(10, ALL_ATTENDANCES - WALK_INS)) == (14, 12)


# -- targets ----------------------------------------------------------------------------------------


def progress_of(client, programme, target) -> str:
    page = client.get(f"/programmes/{programme.id}?exact=1").get_data(as_text=True)
    start = page.index(f'id="target-{target.id}"')
    return " ".join(page[start : page.index("</li>", start)].split())


@pytest.fixture
def admin_client(client):
    sign_in_as(client, make_admin())
    return client


def test_target_distinct_people_at_awareness_events_with_a_share_of_women(admin_client, data):
    target = make_target(
        data.programme,
        measure=Measure.PEOPLE,
        event_types="awareness",
        goal=800,
        share_dimension="gender",
        share_value="woman",
        share_min_percent=50,
    )
    text = progress_of(admin_client, data.programme, target)
    assert "4 of 800 (0%)" in text  # A, B, C, P at E1
    assert "2, that is 50%" in text  # A and B; P has not consented
    assert "Share target met" in text


def test_target_children_counts_age_at_the_event(admin_client, data):
    target = make_target(
        data.programme,
        measure=Measure.PEOPLE,
        age_min=0,
        age_max=14,
        goal=30,
        share_dimension="gender",
        share_value="woman",
        share_min_percent=35,
    )
    text = progress_of(admin_client, data.programme, target)
    assert "1 of 30 (3%)" in text  # B, 14 at E2 (2025), not 14 any more at E1
    assert "1, that is 100%" in text


def test_target_people_who_attended_at_least_n_sessions(admin_client, data):
    two = make_target(
        data.programme, measure=Measure.PEOPLE_MIN_SESSIONS, event_types="training", min_sessions=2, goal=25
    )
    three = make_target(
        data.programme, measure=Measure.PEOPLE_MIN_SESSIONS, event_types="training", min_sessions=3, goal=25
    )
    assert "2 of 25 (8%)" in progress_of(admin_client, data.programme, two)  # A (3) and B (2); D only 1
    assert "1 of 25 (4%)" in progress_of(admin_client, data.programme, three)  # A


def test_target_attendances_include_walk_ins(admin_client, data):
    target = make_target(
        data.programme,
        measure=Measure.ATTENDANCES,
        goal=100,
        share_dimension="gender",
        share_value="woman",
        share_min_percent=60,
    )
    text = progress_of(admin_client, data.programme, target)
    assert "13 of 100 (13%)" in text
    assert "8, that is 62%" in text  # 7 by A and B + walk-in W1
    assert "Share target met" in text


def test_target_attendances_of_minors_keep_walk_ins_of_a_band_inside_the_range(admin_client, data):
    target = make_target(data.programme, measure=Measure.ATTENDANCES, age_max=17, goal=100)
    # B: 2 at 14 and 1 at 15; W1 is 15-24, a band not inside 0-17.
    assert "3 of 100 (3%)" in progress_of(admin_client, data.programme, target)


def test_target_proposals_and_supporters(admin_client, data):
    proposals = make_target(
        data.programme,
        measure=Measure.PROPOSALS,
        goal=1000,
        share_dimension="gender",
        share_value="woman",
        share_min_percent=50,
    )
    supporters = make_target(
        data.programme,
        measure=Measure.SUPPORTERS,
        goal=1000,
        share_dimension="origin",
        share_value="migrant",
        share_min_percent=30,
    )
    text = progress_of(admin_client, data.programme, proposals)
    assert "2 of 1,000 (0%)" in text  # by A and C; withdrawn and hidden ones do not count
    assert "1, that is 50%" in text
    text = progress_of(admin_client, data.programme, supporters)
    assert "3 of 1,000 (0%)" in text  # A (twice), B, C: three people
    assert "2, that is 67%" in text


def test_public_programme_page_protects_targets(client, data):
    target = make_target(
        data.programme,
        measure=Measure.PEOPLE,
        event_types="awareness",
        goal=800,
        share_dimension="gender",
        share_value="woman",
        share_min_percent=50,
    )
    big = make_target(
        data.programme,
        measure=Measure.ATTENDANCES,
        goal=100,
        share_dimension="gender",
        share_value="woman",
        share_min_percent=50,
    )
    page = client.get(f"/programmes/{data.programme.id}").get_data(as_text=True)
    start = page.index(f'id="target-{target.id}"')
    small = " ".join(page[start : page.index("</li>", start)].split())
    assert "&lt; 5 of 800" in small
    assert "share not shown, to protect a small group" in small
    start = page.index(f'id="target-{big.id}"')
    shown = " ".join(page[start : page.index("</li>", start)].split())
    reached = published(13, ALL_ATTENDANCES)
    women = published(8, 4 * KEYS["A"] + 3 * KEYS["B"] + KEYS["W1"])  # A, B and walk-in W1
    assert f"{reached} of 100 ({reached}%)" in shown
    assert f"{women}, that is {round(women * 100 / reached)}%" in shown
    assert "Show exact figures" not in page


def test_any_two_breakdowns_can_be_crossed(client, data):
    sign_in_as(client, make_admin())
    cells = cells_of(client, f"programme={data.programme.id}&rows=age_band&columns=country&exact=1")
    people = {(row, c): int(v) for (t, row, c), v in cells.items() if t == "table-crossed-people"}
    # First event in the selection: A 35 (CI), B 14 (CI), C 41 (MA), D 65 (SN), P not recorded.
    assert people[("0-14", "CI")] == 1
    assert people[("25-59", "CI")] == 1 and people[("25-59", "MA")] == 1
    assert people[("60+", "SN")] == 1
    assert people[("", "")] == 1
    assert people[("total", "total")] == 5
    attendances = {(row, c): int(v) for (t, row, c), v in cells.items() if t == "table-crossed-attendances"}
    # Walk-ins have a band but no country: W1 15-24, W2 25-59, W3 neither.
    assert attendances[("15-24", "")] == 1 and attendances[("15-24", "CI")] == 1
    assert attendances[("25-59", "")] == 1 and attendances[("25-59", "CI")] == 4
    assert attendances[("", "")] == 2
    page = client.get("/reports?rows=age_band&columns=country&exact=1").get_data(as_text=True)
    assert "Age at the date of the event × Country of origin" in page


def test_crossing_a_breakdown_with_itself_is_refused(client, data):
    sign_in_as(client, data.organiser)
    response = client.get("/reports?rows=gender&columns=gender")
    assert response.status_code == 422
    assert "Choose two different breakdowns to cross." in response.get_data(as_text=True)
    assert client.get("/reports?rows=names").status_code == 422


def test_report_fragment_for_htmx_shares_the_url(client, data):
    sign_in_as(client, data.organiser)
    url = f"/reports?programme={data.programme.id}&event_type=training"
    page = client.get(url)
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "HX-Request" in fragment.headers["Vary"]
    assert "<html" not in fragment.get_data(as_text=True)
    assert report_cells(fragment.get_data(as_text=True)) == report_cells(page.get_data(as_text=True))
    invalid = client.get("/reports?date_from=2026-05-01&date_to=2026-04-01", headers={"HX-Request": "true"})
    assert invalid.status_code == 200  # htmx swaps it in, errors and all
    assert "The end date must be on or after the start date." in invalid.get_data(as_text=True)
    assert client.get("/reports?date_from=2026-05-01&date_to=2026-04-01").status_code == 422
