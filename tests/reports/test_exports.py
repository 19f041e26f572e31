"""CSV and XLSX exports: the same hidden cells as the page, no personal data, no formulas."""

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.core.models import AuditEntry
from app.extensions import db
from app.reports.breakdowns import TABLES
from app.reports.exports import neutralise, to_csv
from app.reports.models import Measure
from tests.conftest import sign_in_as
from tests.factories import make_admin, make_attendance, make_target, make_user
from tests.reports.dataset import CONSENT, KEYS, build_dataset, published
from tests.reports.html import report_cells
from tests.reports.sheets import preamble, shown, table_rows

# The record keys behind E1's 7 attendances (A, B, C, P once each, three walk-ins) and behind all 13.
E1_ATTENDANCES = KEYS["A"] + KEYS["B"] + KEYS["C"] + KEYS["P"] + KEYS["W1"] + KEYS["W2"] + KEYS["W3"]
ALL_ATTENDANCES = E1_ATTENDANCES + 3 * KEYS["A"] + 2 * KEYS["B"] + KEYS["D"]


@pytest.fixture
def data():
    return build_dataset()


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def workbook(response):
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.data))


def test_csv_hides_exactly_what_the_page_hides(client, data):
    sign_in_as(client, data.organiser)
    query = f"programme={data.programme.id}"
    cells = report_cells(client.get("/reports?" + query).get_data(as_text=True))
    rows = read_csv(client.get(f"/reports/export/gender.csv?{query}"))
    assert rows[0] == [
        "Gender",
        "Distinct people",
        "Attendances of registered people",
        "Anonymous walk-ins",
        "All attendances",
    ]
    by_label = {row[0]: row[1:] for row in rows[1:]}
    columns = ("people", "registered", "walk_ins", "attendances")
    for key, label in (("woman", "Woman"), ("man", "Man"), ("", "Not recorded"), ("total", "Total")):
        assert by_label[label] == [cells[("table-gender", key, c)] for c in columns]
    assert by_label["Total"][3] == str(published(13, ALL_ATTENDANCES))
    assert by_label["Woman"][0] == "< 5"


def test_exports_in_arabic_and_french_are_labelled_in_that_language(client, data):
    sign_in_as(client, data.organiser)
    rows = read_csv(
        client.get(
            f"/reports/export/country.csv?programme={data.programme.id}", headers={"Accept-Language": "fr"}
        )
    )
    assert "Côte d’Ivoire" in [row[0] for row in rows]  # country names come from Babel, in French
    response = client.get("/ar/reports/export/gender.xlsx")
    sheet = workbook(response).active
    assert sheet.sheet_view.rightToLeft is True


def test_every_table_exports_in_both_formats_without_personal_data(client, data):
    sign_in_as(client, make_admin())
    secrets = ["Personne", "@example.org", "+2126100000"]
    for table in TABLES:
        for exact in ("", "&exact=1"):
            csv_body = client.get(f"/reports/export/{table}.csv?programme={data.programme.id}{exact}")
            assert csv_body.status_code == 200
            text = csv_body.data.decode("utf-8-sig")
            xlsx = workbook(client.get(f"/reports/export/{table}.xlsx?programme={data.programme.id}{exact}"))
            values = " ".join(str(c.value) for s in xlsx.worksheets for row in s.iter_rows() for c in row)
            for secret in secrets:
                assert secret not in text and secret not in values, (table, secret)


def test_exact_exports_are_recorded_and_only_for_administrators(client, data):
    sign_in_as(client, data.organiser)
    rows = read_csv(client.get(f"/reports/export/summary.csv?programme={data.programme.id}&exact=1"))
    assert ["Anonymous walk-ins", "< 5"] in rows
    admin = make_admin()
    sign_in_as(client, admin)
    rows = read_csv(client.get(f"/reports/export/summary.csv?programme={data.programme.id}&exact=1"))
    assert ["Anonymous walk-ins", "3"] in rows
    db.session.rollback()
    entries = db.session.scalars(sa.select(AuditEntry)).all()
    assert [(e.actor_id, e.details["view"]) for e in entries] == [(admin.id, "export:summary.csv")]


def test_formula_injection_is_neutralised_in_csv_and_xlsx(client, data):
    odd = make_user("Odd", gender="woman", country_code="=1", consent_at=CONSENT)
    make_attendance(data.e1.sessions[0], odd.participant)
    make_target(data.programme, title='=HYPERLINK("http://evil.example","clic")', measure=Measure.PEOPLE)
    admin = make_admin()
    sign_in_as(client, admin)
    rows = read_csv(client.get(f"/reports/export/country.csv?programme={data.programme.id}&exact=1"))
    assert "'=1" in [row[0] for row in rows]
    book = workbook(client.get(f"/programmes/{data.programme.id}/donor-report.xlsx?exact=1"))
    titles = [c.value for row in book["Targets"].iter_rows() for c in row if c.value]
    assert '\'=HYPERLINK("http://evil.example","clic")' in titles
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"


def test_neutralise_and_bom():
    assert neutralise("=SUM(A1)") == "'=SUM(A1)"
    assert neutralise("+33") == "'+33" and neutralise("-1") == "'-1" and neutralise("@x") == "'@x"
    assert neutralise("< 5") == "< 5" and neutralise(12) == 12
    assert to_csv([["وجدة", 3]]).startswith(b"\xef\xbb\xbf")


def test_donor_report_has_a_targets_sheet_and_one_per_breakdown(client, data):
    make_target(
        data.programme,
        title="Personnes sensibilisées",
        measure=Measure.PEOPLE,
        event_types="awareness",
        goal=800,
        share_dimension="gender",
        share_value="woman",
        share_min_percent=50,
    )
    make_target(
        data.programme,
        title="Participations",
        measure=Measure.ATTENDANCES,
        goal=100,
        share_dimension="gender",
        share_value="woman",
        share_min_percent=50,
    )
    sign_in_as(client, data.organiser)
    book = workbook(client.get(f"/programmes/{data.programme.id}/donor-report.xlsx"))
    assert book.sheetnames == [
        "Targets",
        "Summary",
        "Gender",
        "Origin",
        "Age at the date of the event",
        "Country of origin",
        "Gender × Origin",
        "Sex and age",
    ]
    lines = preamble(book["Targets"])
    assert lines[:3] == ["Donor report", "Initiative 3H — Oujda", "From 2026-01-01 to 2027-12-31"]
    header = table_rows(book["Targets"])[0]
    assert list(header[:6]) == ["Target", "What is counted", "Number to reach", "Reached", "Reached: mark",
                          "Reached, as a share of the number to reach (%)"]
    targets = shown(book["Targets"])
    people, attendances = targets["Personnes sensibilisées"], targets["Participations"]
    assert people[:3] == ["Distinct people who attended", 800, "< 5"]
    # The programme's period starts in 2026: E2 (June 2025) is outside, E1 has 7 attendances of
    # which 3 by women (A, B, walk-in W1; P has not consented): 3 is hidden, and the share with it.
    e1 = published(7, E1_ATTENDANCES)
    assert attendances[2] == e1 and attendances[6] == "< 5" and attendances[7] is None
    assert attendances[8] is None  # "met: no" would tell the hidden share is at most 3
    summary = shown(book["Summary"])
    assert summary["All attendances"] == [e1]  # the same attendances: the same figure as the target


def test_xlsx_keeps_numbers_numbers_with_marks_apart_and_says_what_was_asked(client, data):
    """Read back with openpyxl: on every sheet the filters, the date it was made and the legend;
    bold title and header rows; each figure column holds only numbers (or nothing), its marks in
    the column after it."""
    sign_in_as(client, data.organiser)
    response = client.get(f"/reports/export/gender.xlsx?programme={data.programme.id}&event_type=awareness")
    sheet = workbook(response).active
    lines = preamble(sheet)
    assert lines[0] == "Jiwar participation report"
    assert "Programme: Initiative 3H — Oujda" in lines and "Kind of event: Awareness event" in lines
    assert any(line.startswith("Generated on 20") and line.endswith("(UTC)") for line in lines)
    assert any(line.startswith("“< 5” in a “mark” column") for line in lines)
    assert any("“×”" in line for line in lines)
    rows = table_rows(sheet)
    assert rows[0] == ("Gender", "Distinct people", "Distinct people: mark",
                       "Attendances of registered people", "Attendances of registered people: mark",
                       "Anonymous walk-ins", "Anonymous walk-ins: mark",
                       "All attendances", "All attendances: mark")
    header_row = len(lines) + 2
    assert all(cell.font.bold for cell in sheet[header_row] if cell.value)
    assert not sheet.cell(header_row + 1, 2).font.bold
    for row in rows[1:]:
        for number, mark in zip(row[1::2], row[2::2], strict=True):
            assert number is None or isinstance(number, int)
            assert (number is None) == (mark == "< 5"), row
    woman = next(row for row in rows if row[0] == "Woman")
    assert woman[1:3] == (None, "< 5")  # A, B: two women at E1
    total = next(row for row in rows if row[0] == "Total")
    assert sheet.cell(header_row + len(rows) - 1, 8).data_type == "n"
    assert total[7] == published(7, E1_ATTENDANCES) and total[8] is None


def test_every_donor_report_sheet_carries_the_period_and_the_legend(client, data):
    sign_in_as(client, make_admin())
    book = workbook(client.get(f"/fr/programmes/{data.programme.id}/donor-report.xlsx?exact=1"))
    for sheet in book.worksheets:
        lines = preamble(sheet)
        assert lines[0] == "Rapport pour le bailleur", lines
        assert "Initiative 3H — Oujda" in lines and any(line.startswith("Généré le") for line in lines)
        assert sheet["A1"].font.bold
    sex_age = shown(book.worksheets[-1])
    # Exact, E1 and E2 in the programme's period? Only E1 (2026): B is 15 and under 18, A and C adults.
    assert sex_age["Moins de 18 ans"][:2] == [1, 0]


def test_donor_report_for_a_chosen_period(client, data):
    sign_in_as(client, make_admin())
    book = workbook(
        client.get(
            f"/programmes/{data.programme.id}/donor-report.xlsx?date_from=2025-01-01&date_to=2026-12-31"
        )
    )
    summary = {row[0].value: row[1].value for row in book["Summary"].iter_rows(min_row=2)}
    assert summary["All attendances"] == published(13, ALL_ATTENDANCES)
    response = client.get(
        f"/programmes/{data.programme.id}/donor-report.xlsx?date_from=2026-12-31&date_to=2026-01-01"
    )
    # The period again, with what is wrong beside it (no spreadsheet).
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert "The end date must be on or after the start date." in response.get_data(as_text=True)


def test_unknown_table_or_format_is_not_found(client, data):
    sign_in_as(client, data.organiser)
    assert client.get("/reports/export/names.csv").status_code == 404
    assert client.get("/reports/export/gender.pdf").status_code == 404
    response = client.get("/reports/export/gender.csv?date_from=yesterday")
    assert response.status_code == 422 and response.mimetype == "text/html"  # the filters, with why
    assert "Enter a date (year-month-day)." in response.get_data(as_text=True)


def test_a_target_shows_what_the_report_beside_it_shows(client):
    """One woman among six people: the target counts the report's people, so it shows the report's
    perturbed total, never the exact 6 that, less the men's perturbed 5, would single her out."""
    from tests.factories import make_event, make_municipality, make_organiser, make_programme

    town = make_municipality("raoued")
    programme = make_programme([town], name="I-MIGR — Raoued", is_public=True)
    event = make_event(town, programme_id=programme.id)
    people = []
    for gender in ("woman", *["man"] * 5):
        people.append(make_user(gender=gender, origin="host", birth_year=1990, consent_at=CONSENT))
        make_attendance(event.sessions[0], people[-1].participant)
    make_target(programme, title="Personnes", measure=Measure.PEOPLE, goal=10,
                share_dimension="gender", share_value="woman", share_min_percent=50)
    sign_in_as(client, make_organiser(town))
    book = workbook(client.get(f"/programmes/{programme.id}/donor-report.xlsx"))
    sheet = shown(book["Summary"])
    gender = shown(book["Gender"])
    assert gender["Woman"][0] == "< 5"
    total = sheet["Distinct people"][0]
    assert total == published(6, sum(person.participant.record_key for person in people))
    target = shown(book["Targets"])["Personnes"]
    assert target[2] == total and target[6] == "< 5"  # reached, in the share: as in the report
    page = " ".join(client.get(f"/programmes/{programme.id}").text.split())
    assert f"{total} of 10" in page
