"""Dates far from today in every date a person types (issue 14): 9999-12-31 overflowed the day after
it and 0001-01-01 the day before, a 500 on the events list, the reports, their exports, the donor
report and the audit log. Every date parameter is range-checked (app/core/dates.py) with a translated
message, the typed value kept, and nothing written."""

import pytest
import sqlalchemy as sa

from app.core.dates import FIRST_YEAR, LAST_YEAR
from app.events.models import Event
from app.extensions import db
from app.programmes.models import Programme
from app.proposals.models import ProposalCall
from tests.access.rules import client_as
from tests.access.test_every_route import RULES
from tests.conftest import empty_all_tables, sign_in_as
from tests.factories import (
    make_admin,
    make_event,
    make_municipality,
    make_organiser,
    make_programme,
    make_reviewer,
)
from tests.fuzz import checks
from tests.fuzz.test_forms import allowed_role, prepared_world
from tests.fuzz.values import date_fields, form_classes

pytestmark = pytest.mark.fuzz

FAR = ["9999-12-31", "0001-01-01", f"{FIRST_YEAR - 1}-12-31", f"{LAST_YEAR + 1}-01-01"]
MESSAGE = f"Give a date between the years {FIRST_YEAR} and {LAST_YEAR}."
MESSAGE_FR = f"Indiquez une date entre les années {FIRST_YEAR} et {LAST_YEAR}."


def _page(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("day", FAR)
def test_events_list_says_the_date_is_out_of_range_and_keeps_it(client, day):
    make_event(make_municipality("oujda"))
    response = client.get(f"/fr/events?date={day}")
    # As the other filters that do not read: left out and said so, the rest still applies.
    assert response.status_code == 200
    assert MESSAGE_FR in _page(response) and f'value="{day}"' in _page(response)
    fragment = client.get(f"/events?date={day}", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and MESSAGE in _page(fragment)


def test_events_list_still_filters_by_a_date_in_range(client):
    make_event(make_municipality("oujda"))
    response = client.get(f"/events?date={LAST_YEAR}-12-31")
    assert response.status_code == 200 and MESSAGE not in _page(response)


@pytest.fixture
def reporter(client):
    oujda = make_municipality("oujda")
    make_programme([oujda])
    sign_in_as(client, make_organiser(oujda))
    return client


@pytest.mark.parametrize("name", ["date_from", "date_to"])
@pytest.mark.parametrize("day", FAR)
def test_report_filters_say_the_date_is_out_of_range(reporter, name, day):
    response = reporter.get(f"/reports?{name}={day}")
    assert response.status_code == 422
    assert MESSAGE in _page(response) and f'value="{day}"' in _page(response)


@pytest.mark.parametrize("table", ["gender.csv", "crossed.xlsx"])
@pytest.mark.parametrize("day", FAR)
def test_exports_with_a_date_out_of_range_show_the_filters_with_the_message(reporter, table, day):
    response = reporter.get(f"/reports/export/{table}?date_to={day}")
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert MESSAGE in _page(response) and f'value="{day}"' in _page(response)


@pytest.mark.parametrize("name", ["date_from", "date_to"])
@pytest.mark.parametrize("day", FAR)
def test_donor_report_with_a_date_out_of_range_says_so(client, name, day):
    programme = make_programme([make_municipality("oujda")])
    sign_in_as(client, make_admin())
    response = client.get(f"/programmes/{programme.id}/donor-report.xlsx?{name}={day}")
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert MESSAGE in _page(response) and f'value="{day}"' in _page(response)


@pytest.mark.parametrize("name", ["since", "until"])
@pytest.mark.parametrize("day", FAR)
def test_audit_log_filters_say_the_date_is_out_of_range(client, name, day):
    sign_in_as(client, make_admin())
    response = client.get(f"/admin/audit?{name}={day}")
    assert response.status_code == 200  # the filter is left out, and said so beside it
    assert MESSAGE in _page(response) and f'value="{day}"' in _page(response)


@pytest.mark.parametrize("day", FAR)
def test_a_programme_cannot_run_outside_the_years_jiwar_counts(client, day):
    oujda = make_municipality("oujda")
    sign_in_as(client, make_admin())
    data = {"name_fr": "Programme", "starts_on": "2026-01-01", "ends_on": "2026-12-31",
            "municipality_ids": str(oujda.id)}
    for name in ("starts_on", "ends_on"):
        response = client.post("/programmes/new", data={**data, name: day})
        assert response.status_code == 422 and MESSAGE in _page(response)
    assert db.session.scalar(sa.select(sa.func.count(Programme.id))) == 0


@pytest.mark.parametrize("day", FAR)
def test_an_event_session_or_its_registration_dates_out_of_range_are_refused(client, day):
    oujda = make_municipality("oujda")
    sign_in_as(client, make_organiser(oujda))
    data = {"title_fr": "Atelier", "event_type": "open_day", "municipality_id": str(oujda.id),
            "venue_fr": "Centre social", "languages": "fr", "audience": "everyone", "programme_id": "",
            "sessions-0-day": "2027-05-01", "sessions-0-starts": "10:00", "sessions-0-ends": "12:00"}
    for name, value in (("sessions-0-day", day), ("registration_opens_at", f"{day}T00:00"),
                        ("registration_closes_at", f"{day}T23:59")):
        response = client.post("/manage/events/new", data={**data, name: value})
        assert response.status_code == 422 and MESSAGE in _page(response), name
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


@pytest.mark.parametrize("day", FAR)
def test_a_call_phase_out_of_range_is_refused(client, day):
    oujda = make_municipality("oujda")
    sign_in_as(client, make_reviewer(oujda))
    data = {"municipality_id": str(oujda.id), "programme_id": "0", "title_fr": "Appel",
            "description_fr": "Proposez vos projets.", "categories_fr": "Culture",
            "submission_opens_at": "2027-01-01T09:00",
            "submission_closes_at": "2027-02-01T09:00", "support_opens_at": "2027-02-01T09:00",
            "support_closes_at": "2027-03-01T09:00", "review_opens_at": "2027-03-01T09:00",
            "results_at": "2027-04-01T09:00"}
    for name in ("submission_opens_at", "results_at"):
        response = client.post("/manage/calls/new", data={**data, name: f"{day}T12:00"})
        assert response.status_code == 422 and MESSAGE in _page(response), name
    assert db.session.scalar(sa.select(sa.func.count(ProposalCall.id))) == 0


# Every route whose forms hold a date (found from the forms, so a new date field is covered), and the
# events list's own `date`: each far date alone, the rest of the request as the access table has it.
def _dated_routes(app):
    found = []
    for _, route in RULES:
        names = [name for form_class in form_classes(app.view_functions[route.endpoint])
                 for name in date_fields(form_class)]
        if route.endpoint == "events.list_events":
            names.append("date")
        if names:
            found.append((route, sorted(set(names))))
    return found


def test_every_date_a_route_reads_is_range_checked(app):
    dated = _dated_routes(app)
    assert {route.endpoint for route, _ in dated} >= {
        "events.list_events", "reports.show_report", "reports.export_report", "reports.donor_report",
        "accounts.audit_log", "events.new_event", "proposals.create_call", "reports.new_programme"}
    # One world for every request: each is refused without writing a row (asserted below), so the
    # next finds the world as it was (a world per request took two minutes on PostgreSQL).
    db.session.remove()
    empty_all_tables()
    world = prepared_world()
    for route, names in dated:
        client = client_as(app, world, allowed_role(route), route)
        for name in names:
            # A form page only pre-fills what a GET gives it; a filter form (no CSRF) reads it.
            reads_filters = route.method == "POST" or route.endpoint == "events.list_events" or any(
                not form_class.Meta.csrf for form_class in form_classes(app.view_functions[route.endpoint]))
            for day in ("9999-12-31", "0001-01-01"):
                url, data = route.url.format(**world), dict(route.data)
                value = f"{day}T12:00" if name.endswith("_at") else day
                before = checks.row_counts()
                if route.method == "GET":
                    response = client.get(url, query_string={name: value})
                else:
                    filled = {k: v.format(**world) if isinstance(v, str) else v for k, v in data.items()}
                    response = client.post(url, data={**filled, name: value})
                checks.assert_proper(response)
                assert checks.row_counts() == before, (route.id, name, value)
                shown = response.mimetype == "text/html" and f'value="{value}"' in _page(response)
                if reads_filters and shown:
                    # A field shows the far date it read: then the page says what is wrong with it.
                    assert MESSAGE in _page(response), (route.id, name, value)
