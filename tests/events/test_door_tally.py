"""The door's walk-in tally (+1 per person, origin as a second tap, Undo), headcount-only events,
the session picker and the page after a check-in, through the test client with and without htmx."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.models import AuditEntry
from app.events import door_queries, services
from app.events.errors import DoorError
from app.events.models import Attendance, Event
from app.extensions import db
from app.reports.queries import _walk_ins
from tests.conftest import sign_in_as
from tests.factories import (
    make_attendance,
    make_event,
    make_organiser,
    make_registration,
    make_reviewer,
    make_user,
)

SOON = timedelta(hours=1)
HTMX = {"HX-Request": "true"}


def last_audit() -> str:
    return db.session.scalar(sa.select(AuditEntry.action).order_by(AuditEntry.id.desc()))


def counts(text: str) -> str:
    return text.replace('class="tally-count" ', "")


def walk_ins() -> list[tuple[str | None, str | None, str | None]]:
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(Attendance.anonymous_gender, Attendance.anonymous_age_band, Attendance.anonymous_origin)
        .where(Attendance.participant_id.is_(None), Attendance.is_walk_in.is_(True))
        .order_by(Attendance.id)
    )
    return [tuple(row) for row in rows]


def tap(client, session, group, headers=None):
    return client.post(f"/door/sessions/{session.id}/tally", data={"group": group}, headers=headers or {})


# --- services -----------------------------------------------------------------------------------


def test_each_button_records_an_anonymous_walk_in_with_its_gender_and_band(organiser, oujda):
    session = make_event(oujda, starts_in=SOON).sessions[0]
    for group in ("women", "men", "girls", "boys"):
        services.count_walk_in(organiser, session, group)
    assert walk_ins() == [
        ("woman", None, None), ("man", None, None), ("woman", "0-14", None), ("man", "0-14", None)
    ]
    assert door_queries.door_tally(session) == {"women": 1, "men": 1, "girls": 1, "boys": 1}
    counters = door_queries.door_counters(session)
    assert (counters.present, counters.walk_ins) == (4, 4)


def test_the_tally_counts_the_walk_in_forms_anonymous_walk_ins_too(organiser, oujda):
    session = make_event(oujda, starts_in=SOON).sessions[0]
    services.record_walk_in(organiser, session, gender="woman", age_band="15-24", origin="migrant")
    services.record_walk_in(organiser, session, gender="man", age_band="0-14", origin="host")
    services.record_walk_in(organiser, session, display_name="Ibrahima")  # named: not in the tally
    assert door_queries.door_tally(session) == {"women": 1, "men": 0, "girls": 0, "boys": 1}


def test_tally_walk_ins_are_in_the_reports_walk_in_rows(organiser, oujda):
    event = make_event(oujda, starts_in=SOON)
    services.count_walk_in(organiser, event.sessions[0], "girls")
    attendance = services.count_walk_in(organiser, event.sessions[0], "women")
    services.note_walk_in_origin(organiser, event.sessions[0], attendance.id, "refugee")
    rows = db.session.execute(_walk_ins([Event.id == event.id])).all()
    counted = {(gender, origin, band): count for gender, origin, band, _, _, count, _, _ in rows}
    assert counted == {("woman", None, "0-14"): 1, ("woman", "refugee", None): 1}


def test_an_unknown_group_or_origin_is_refused_and_nothing_written(organiser, oujda):
    session = make_event(oujda, starts_in=SOON).sessions[0]
    with pytest.raises(DoorError) as refused:
        services.count_walk_in(organiser, session, "elders")
    assert refused.value.code == "tally_group"
    attendance = services.count_walk_in(organiser, session, "men")
    with pytest.raises(DoorError):
        services.note_walk_in_origin(organiser, session, attendance.id, "martian")
    assert walk_ins() == [("man", None, None)]


def test_undo_takes_off_an_anonymous_walk_in_never_a_named_presence(organiser, oujda, resident):
    event = make_event(oujda, starts_in=SOON)
    session = event.sessions[0]
    present = make_attendance(session, resident.participant)
    assert services.undo_counted_walk_in(organiser, session, present.id) is False
    attendance = services.count_walk_in(organiser, session, "boys")
    assert services.undo_counted_walk_in(organiser, session, attendance.id) is True
    assert walk_ins() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 1  # Fatou stays
    assert last_audit() == "attendance.undone"


def test_the_tally_is_closed_before_check_in_opens_and_at_a_cancelled_event(organiser, oujda):
    later = make_event(oujda, starts_in=timedelta(days=3)).sessions[0]
    with pytest.raises(DoorError) as refused:
        services.count_walk_in(organiser, later, "women")
    assert refused.value.code == "not_open"
    cancelled = make_event(oujda, starts_in=SOON, status="cancelled").sessions[0]
    with pytest.raises(DoorError) as refused:
        services.count_walk_in(organiser, cancelled, "women")
    assert refused.value.code == "cancelled"
    assert walk_ins() == []


def test_a_headcount_only_event_takes_no_names(organiser, oujda):
    event = make_event(oujda, starts_in=SOON)
    services.set_headcount_only(organiser, event, True)
    with pytest.raises(DoorError) as refused:
        services.record_walk_in(organiser, event.sessions[0], display_name="Ibrahima")
    assert refused.value.code == "headcount_only"
    services.count_walk_in(organiser, event.sessions[0], "women")
    assert walk_ins() == [("woman", None, None)]
    assert last_audit() == "event.headcount_only"


# --- views --------------------------------------------------------------------------------------


def test_a_plain_tap_goes_back_to_the_tally_showing_the_walk_in_just_counted(client, organiser, oujda):
    session = make_event(oujda, starts_in=SOON).sessions[0]
    sign_in_as(client, organiser)
    response = tap(client, session, "girls")
    assert response.status_code == 303
    [attendance] = db.session.scalars(sa.select(Attendance)).all()
    assert response.location.endswith(f"/door/sessions/{session.id}?last={attendance.id}#door-tally")
    page = client.get(response.location).text
    assert "Counted: Girls." in page and 'name="origin"' in page and ">Undo</button>" in page
    assert 'id="tally-count-girls">1</span>' in counts(page)


def test_an_htmx_tap_answers_the_counts_and_counters_in_place(client, organiser, oujda):
    session = make_event(oujda, starts_in=SOON).sessions[0]
    sign_in_as(client, organiser)
    tap(client, session, "men", HTMX)
    response = tap(client, session, "men", HTMX)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert 'id="tally-count-men" hx-swap-oob="true">2</span>' in counts(response.text)
    assert 'id="door-counters" hx-swap-oob="true"' in response.text
    assert "Counted: Men." in response.text and "<html" not in response.text


def test_origin_as_a_second_tap_amends_the_walk_in_just_counted(client, organiser, oujda):
    session = make_event(oujda, starts_in=SOON).sessions[0]
    sign_in_as(client, organiser)
    tap(client, session, "women")
    [attendance] = db.session.scalars(sa.select(Attendance)).all()
    for headers in ({}, HTMX):
        response = client.post(
            f"/door/sessions/{session.id}/tally/origin",
            data={"attendance_id": attendance.id, "origin": "migrant"},
            headers=headers,
        )
        assert response.status_code == (200 if headers else 303)
    assert walk_ins() == [("woman", None, "migrant")]
    assert re.search(r'value="migrant" class="secondary"\s+aria-pressed="true"', response.text)
    assert not re.search(r'value="host" class="secondary"\s+aria-pressed="true"', response.text)


def test_a_bad_origin_says_so_and_writes_nothing(client, organiser, oujda):
    session = make_event(oujda, starts_in=SOON).sessions[0]
    sign_in_as(client, organiser)
    tap(client, session, "women")
    [attendance] = db.session.scalars(sa.select(Attendance)).all()
    response = client.post(
        f"/door/sessions/{session.id}/tally/origin",
        data={"attendance_id": attendance.id, "origin": "<script>"},
        follow_redirects=True,
    )
    assert response.status_code == 200 and "Choose one of the origins shown." in response.text
    assert walk_ins() == [("woman", None, None)]
    response = tap(client, session, "", HTMX)
    assert response.headers["HX-Redirect"].endswith(f"/door/sessions/{session.id}")
    assert "Choose women, men, girls or boys." in client.get(f"/door/sessions/{session.id}").text


def test_undo_with_and_without_htmx(client, organiser, oujda):
    session = make_event(oujda, starts_in=SOON).sessions[0]
    sign_in_as(client, organiser)
    for headers in ({}, HTMX):
        tap(client, session, "boys")
        attendance = db.session.scalars(sa.select(Attendance)).one()
        response = client.post(
            f"/door/sessions/{session.id}/tally/undo", data={"attendance_id": attendance.id}, headers=headers
        )
        assert walk_ins() == []
        if headers:
            assert 'id="tally-count-boys" hx-swap-oob="true">0</span>' in counts(response.text)
            assert "The last walk-in is taken off the count." in response.text
        else:
            assert response.status_code == 303
            assert "The last walk-in is taken off the count." in client.get(response.location).text


def test_a_last_walk_in_of_another_session_is_not_offered(client, organiser, oujda):
    event = make_event(oujda, starts_in=SOON, sessions=2)
    sign_in_as(client, organiser)
    tap(client, event.sessions[0], "women")
    attendance = db.session.scalars(sa.select(Attendance)).one()
    page = client.get(f"/door/sessions/{event.sessions[1].id}", query_string={"last": attendance.id}).text
    assert "Counted:" not in page and f'name="attendance_id" value="{attendance.id}"' not in page


def test_headcount_only_shows_only_the_tally_and_can_be_undone(client, organiser, oujda, resident):
    event = make_event(oujda, starts_in=SOON)
    make_registration(event, resident.participant)
    session = event.sessions[0]
    sign_in_as(client, organiser)
    response = client.post(f"/door/sessions/{session.id}/headcount-only", data={"headcount_only": "1"})
    assert response.status_code == 303
    page = client.get(response.location).text
    assert "Headcount only: this event&#39;s door takes no names" in page
    assert 'id="door-q"' not in page and "Fatou" not in page and 'name="display_name"' not in page
    assert 'id="scan-button"' not in page and "door-scan.js" not in page
    assert 'name="group" value="women"' in page
    refused = client.post(
        f"/door/sessions/{session.id}/walk-in", data={"display_name": "Ibrahima"}, follow_redirects=True
    )
    assert "This event counts heads only: its door takes no names." in refused.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0
    client.post(f"/door/sessions/{session.id}/headcount-only", data={"headcount_only": "0"})
    assert 'id="door-q"' in client.get(f"/door/sessions/{session.id}").text
    assert db.session.get(Event, event.id).headcount_only is False


def test_session_picker_and_next_session(client, organiser, oujda):
    event = make_event(oujda, starts_in=SOON, sessions=3)
    first, second, third = event.sessions
    sign_in_as(client, organiser)
    page = client.get(f"/door/sessions/{first.id}").text
    assert f'class="button secondary" href="/en/door/sessions/{second.id}">Next session' in page
    assert f'href="/en/door/sessions/{third.id}">Session 3' in page
    assert 'aria-current="page">Session 1' in page
    last = client.get(f"/door/sessions/{third.id}").text
    assert "Next session" not in last
    single = make_event(oujda, starts_in=SOON).sessions[0]
    assert "All sessions" not in client.get(f"/door/sessions/{single.id}").text


def test_after_a_plain_check_in_the_search_box_is_empty_and_focused(client, organiser, oujda, resident):
    event = make_event(oujda, starts_in=SOON)
    make_registration(event, resident.participant)
    session = event.sessions[0]
    sign_in_as(client, organiser)
    response = client.post(
        f"/door/sessions/{session.id}/check-in", data={"participant_id": resident.participant_id, "q": "Fat"}
    )
    assert response.location.endswith(f"/door/sessions/{session.id}?marked=1")
    page = client.get(response.location).text
    assert "Fatou is marked present." in page
    assert re.search(r'name="q" value="" [^>]*autofocus>', page)


def test_an_htmx_check_in_marks_the_row_as_just_marked(client, organiser, oujda, resident):
    event = make_event(oujda, starts_in=SOON)
    make_registration(event, resident.participant)
    sign_in_as(client, organiser)
    response = client.post(
        f"/door/sessions/{event.sessions[0].id}/check-in",
        data={"participant_id": resident.participant_id},
        headers=HTMX,
    )
    assert "just-marked" in response.text and "Marked present" in response.text
    assert "Fatou" in response.text


@pytest.mark.parametrize("who", ["organiser_other", "reviewer_other"])
@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("/tally", {"group": "women"}),
        ("/tally/origin", {"attendance_id": "{walk_in}", "origin": "migrant"}),
        ("/tally/undo", {"attendance_id": "{walk_in}"}),
        ("/headcount-only", {"headcount_only": "1"}),
    ],
)
def test_the_tally_of_another_municipality_is_not_found_and_nothing_is_written(
    client, oujda, la_marsa, organiser, who, action, data
):
    event = make_event(oujda, starts_in=SOON)
    session = event.sessions[0]
    walk_in = services.count_walk_in(organiser, session, "women")
    intruder = make_organiser(la_marsa) if who == "organiser_other" else make_reviewer(la_marsa)
    sign_in_as(client, intruder)
    filled = {key: value.format(walk_in=walk_in.id) for key, value in data.items()}
    for headers in ({}, HTMX):
        response = client.post(f"/door/sessions/{session.id}{action}", data=filled, headers=headers)
        assert response.status_code == 404
        assert "Women" not in response.text
    assert walk_ins() == [("woman", None, None)]
    assert db.session.get(Event, event.id).headcount_only is False


def test_a_resident_cannot_tap_the_tally(client, oujda, resident):
    session = make_event(oujda, starts_in=SOON).sessions[0]
    sign_in_as(client, make_user("Omar"))
    assert tap(client, session, "women").status_code == 404
    assert walk_ins() == []


def test_a_tap_runs_the_same_few_queries_with_1_or_40_walk_ins(client, organiser, oujda):
    from tests.query_count import count_queries

    session = make_event(oujda, starts_in=SOON).sessions[0]
    sign_in_as(client, organiser)
    tap(client, session, "women", HTMX)  # warm-up: the session lookup, template compilation

    def statements_of_a_tap() -> int:
        with count_queries() as statements:
            assert tap(client, session, "girls", HTMX).status_code == 200
        return len(statements)

    one = statements_of_a_tap()
    for _ in range(20):
        services.count_walk_in(organiser, session, "men")
        services.count_walk_in(organiser, session, "boys")
    assert statements_of_a_tap() == one <= 12
    last = db.session.scalars(sa.select(Attendance.id).order_by(Attendance.id.desc())).first()
    page = client.get(f"/door/sessions/{session.id}", query_string={"last": last}).text
    assert 'id="tally-count-men">20</span>' in counts(page)
    assert 'id="tally-count-girls">2</span>' in counts(page)


def test_before_check_in_opens_the_tally_shows_its_counts_without_buttons(client, organiser, oujda):
    session = make_event(oujda, starts_in=timedelta(days=3)).sessions[0]
    sign_in_as(client, organiser)
    page = client.get(f"/door/sessions/{session.id}").text
    assert "Check-in opens at" in page and "Walk-in tally" in page
    assert 'name="group"' not in page and "<dt>Girls</dt><dd>0</dd>" in page
    assert tap(client, session, "girls").status_code == 303 and walk_ins() == []


def test_the_walk_in_list_names_only_what_was_recorded(client, organiser, oujda):
    session = make_event(oujda, starts_in=SOON).sessions[0]
    services.count_walk_in(organiser, session, "women")
    services.record_walk_in(organiser, session, gender="man", age_band="0-14", origin="host")
    sign_in_as(client, organiser)
    page = client.get(f"/door/sessions/{session.id}").text
    assert re.search(r"Anonymous — Woman\s", page)
    assert "Anonymous — Man, Under 15, Host community" in page and "Woman, ," not in page


def test_a_cancelled_events_door_offers_no_tally_buttons(client, organiser, oujda):
    session = make_event(oujda, starts_in=SOON, status="cancelled").sessions[0]
    sign_in_as(client, organiser)
    page = client.get(f"/door/sessions/{session.id}").text
    assert "This event has been cancelled." in page and 'name="group"' not in page
    refused = tap(client, session, "women", HTMX)
    assert refused.headers["HX-Redirect"].endswith(f"/door/sessions/{session.id}") and walk_ins() == []
