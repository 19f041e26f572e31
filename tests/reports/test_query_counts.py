"""The programme page and the reports run the same number of queries whatever the amount of data."""

from datetime import UTC, datetime

from app.events.models import EventType
from app.extensions import db
from app.reports.models import Measure
from tests.conftest import sign_in_as
from tests.factories import (
    make_admin,
    make_attendance,
    make_event,
    make_municipality,
    make_organiser,
    make_programme,
    make_registration,
    make_target,
    make_user,
)
from tests.query_count import count_queries
from tests.reports.dataset import CONSENT, on

GENDERS = ("woman", "man", "undisclosed")
ORIGINS = ("host", "migrant", "refugee", "returnee")


def world(rows: int):
    oujda = make_municipality("oujda")
    programme = make_programme([oujda])
    make_target(
        programme,
        measure=Measure.PEOPLE,
        goal=800,
        share_dimension="gender",
        share_value="woman",
        share_min_percent=50,
    )
    make_target(programme, measure=Measure.PEOPLE_MIN_SESSIONS, min_sessions=2, goal=25)
    make_target(programme, measure=Measure.ATTENDANCES, goal=100, age_max=17)
    for i in range(rows):
        event = make_event(
            oujda,
            programme_id=programme.id,
            sessions=2,
            event_type=EventType.TRAINING if i % 2 else EventType.AWARENESS,
            starts_in=on(datetime(2026, 3, 1 + i % 28, 9, tzinfo=UTC)),
        )
        person = make_user(
            gender=GENDERS[i % 3],
            origin=ORIGINS[i % 4],
            birth_year=1950 + i,
            country_code=("MA", "CI", "SN", "CM", "GN")[i % 5],
            consent_at=CONSENT,
        )
        registration = make_registration(event, person.participant)
        for session in event.sessions:
            make_attendance(session, person.participant, registration_id=registration.id)
        make_attendance(event.sessions[0], anonymous_gender=GENDERS[i % 3], anonymous_age_band="25-59")
    return oujda, programme


def queries_for(client, url: str) -> int:
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


def measure(app, rows: int, url_of, who) -> int:
    from tests.conftest import empty_all_tables

    db.session.remove()
    empty_all_tables()
    oujda, programme = world(rows)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    user = who(oujda)
    if user is not None:
        sign_in_as(client, user)
    return queries_for(client, url_of(programme))


def test_programme_page_query_count_does_not_grow(app):
    def url(programme):
        return f"/programmes/{programme.id}"

    small = measure(app, 1, url, lambda oujda: None)
    large = measure(app, 30, url, lambda oujda: None)
    assert small == large
    # programme, municipalities, targets, the data version, one query per target, and one for the
    # report whose cells a target repeats (it hides what that report hides)
    assert small <= 9, small


def test_gender_by_origin_report_query_count_does_not_grow(app):
    def url(programme):
        return f"/reports?programme={programme.id}"

    small = measure(app, 1, url, make_organiser)
    large = measure(app, 30, url, make_organiser)
    assert small == large
    assert small <= 10, small


def test_exact_report_and_donor_report_query_counts_do_not_grow(app):
    def exact(programme):
        return f"/reports?programme={programme.id}&exact=1"

    def donor(programme):
        return f"/programmes/{programme.id}/donor-report.xlsx"

    assert measure(app, 1, exact, lambda oujda: make_admin()) == measure(
        app, 30, exact, lambda oujda: make_admin()
    )
    assert measure(app, 1, donor, make_organiser) == measure(app, 30, donor, make_organiser)
