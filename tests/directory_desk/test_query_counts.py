"""The desk's pages run the same number of queries with 1 visit (or session) as with 30."""

from datetime import date, time

from app.directory.visit_services import VisitData, record_visit
from app.events.services.recurrence import add_session_rule, weekly
from tests.conftest import sign_in_as
from tests.directory_desk.test_visits import make_service
from tests.events.test_query_counts import queries_for
from tests.factories.events import make_event


def _visits(app, organiser, oujda, services, count):
    with app.test_request_context():
        return [
            record_visit(organiser, VisitData(oujda.id, ["health"], [s.id for s in services], gender="woman"))
            for _ in range(count)
        ]


def test_desk_pages(app, client, oujda, organiser):
    services = [make_service(oujda), make_service(oujda, "Permanence juridique")]
    (first,) = _visits(app, organiser, oujda, services, 1)
    sign_in_as(client, organiser)
    pages = ("/desk/visits", f"/desk/visits/{first.id}", "/reports/desk")
    one = [queries_for(client, url) for url in pages]
    more = [make_service(oujda, f"Service {n}") for n in range(10)]
    _visits(app, organiser, oujda, more, 29)
    assert [queries_for(client, url) for url in pages] == one


def test_event_pages_with_a_weekly_rule(app, client, oujda, organiser):
    event = make_event(oujda)
    with app.test_request_context():
        add_session_rule(organiser, event.id, weekly(date(2027, 1, 6), time(10), time(13), count=1))
    sign_in_as(client, organiser)
    pages = (f"/manage/events/{event.id}", f"/events/{event.id}/calendar.ics", f"/events/{event.id}")
    one = [queries_for(client, url) for url in pages]
    with app.test_request_context():
        add_session_rule(organiser, event.id, weekly(date(2027, 3, 3), time(10), time(13), count=30))
    assert [queries_for(client, url) for url in pages] == one
