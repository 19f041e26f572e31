"""The main pages run the same number of queries with 1 row as with 30 (counted on the engine)."""

from datetime import timedelta

from tests.conftest import sign_in_as
from tests.factories import make_attendance, make_event, make_registration, make_user
from tests.query_count import count_queries


def queries_for(client, url: str) -> int:
    client.get(url)  # warm-up: the session lookup, template compilation
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


def test_events_list(client, oujda):
    make_event(oujda, sessions=3)
    one = queries_for(client, "/events")
    for n in range(29):
        make_event(oujda, sessions=3, capacity=10, starts_in=timedelta(days=2, hours=n))
    assert queries_for(client, "/events") == one
    assert queries_for(client, "/events?type=workshop&q=Atelier&language=fr") == one


def test_past_events_list(client, oujda):
    make_event(oujda, sessions=2, starts_in=timedelta(days=-40))
    one = queries_for(client, "/events?when=past")
    for n in range(29):
        make_event(oujda, sessions=2, starts_in=timedelta(days=-30, hours=n))
    assert queries_for(client, "/events?when=past") == one


def test_event_page(client, oujda, resident):
    event = make_event(oujda, sessions=1, capacity=100)
    make_registration(event, resident.participant)
    sign_in_as(client, resident)
    one = queries_for(client, f"/events/{event.id}")
    other = make_event(oujda, sessions=30, capacity=100)
    make_registration(other, resident.participant)
    for _ in range(29):
        make_registration(other, make_user().participant)
    assert queries_for(client, f"/events/{other.id}") == one


def test_door_page(client, oujda, organiser):
    event = make_event(oujda, capacity=100, starts_in=timedelta(hours=1))  # check-in open: every form
    person = make_user()
    make_registration(event, person.participant)
    make_attendance(event.sessions[0], person.participant)
    make_attendance(
        event.sessions[0], None, anonymous_gender="man", anonymous_age_band="15-24", anonymous_origin="host"
    )
    sign_in_as(client, organiser)
    url = f"/door/sessions/{event.sessions[0].id}"
    one = queries_for(client, url)
    for _ in range(29):
        person = make_user()
        make_registration(event, person.participant)
        make_attendance(event.sessions[0], person.participant)
        make_attendance(event.sessions[0], make_user().participant, is_walk_in=True)
    assert queries_for(client, url) == one


def test_my_events(client, oujda, resident):
    make_registration(make_event(oujda, sessions=2), resident.participant)
    sign_in_as(client, resident)
    one = queries_for(client, "/me/events")
    for n in range(29):
        make_registration(
            make_event(oujda, sessions=2, starts_in=timedelta(days=3, hours=n)), resident.participant
        )
    assert queries_for(client, "/me/events") == one


def test_manage_event_page(client, oujda, organiser):
    event = make_event(oujda, sessions=8)
    make_registration(event, make_user().participant)
    sign_in_as(client, organiser)
    one = queries_for(client, f"/manage/events/{event.id}")
    for _ in range(29):
        person = make_user()
        make_registration(event, person.participant)
        make_attendance(event.sessions[0], person.participant)
    assert queries_for(client, f"/manage/events/{event.id}") == one


def test_manage_list(client, oujda, organiser):
    make_event(oujda, sessions=2)
    sign_in_as(client, organiser)
    one = queries_for(client, "/manage/events")
    for n in range(29):
        make_event(oujda, sessions=2, starts_in=timedelta(days=1, hours=n))
    assert queries_for(client, "/manage/events") == one


def test_paper_sheet_and_its_type_in_form(client, oujda, organiser):
    event = make_event(oujda, capacity=100, starts_in=timedelta(hours=1))
    person = make_user()
    make_registration(event, person.participant)
    make_attendance(event.sessions[0], person.participant)
    sign_in_as(client, organiser)
    session_id = event.sessions[0].id
    urls = [f"/door/sessions/{session_id}/sheet", f"/door/sessions/{session_id}/sheet/type-in"]
    one = [queries_for(client, url) for url in urls]
    for _ in range(29):
        person = make_user()
        make_registration(event, person.participant)
        make_attendance(event.sessions[0], person.participant)
    assert [queries_for(client, url) for url in urls] == one
    assert max(one) <= 8, one
