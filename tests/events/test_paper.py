"""The paper kit: the printable sheet of a session, and the sheet typed back in."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.events.errors import DoorError
from app.events.models import Attendance, AttendanceChannel, AttendanceTally, PaperSheet, RegistrationStatus
from app.events.services import TypedSheet, WalkInLine, type_in_paper_sheet
from app.extensions import db
from tests.conftest import sign_in_as
from tests.factories import (
    make_admin,
    make_attendance,
    make_event,
    make_organiser,
    make_registration,
    make_reviewer,
    make_user,
)

SOON = timedelta(hours=1)


def attendances() -> list[Attendance]:
    return list(db.session.scalars(sa.select(Attendance).order_by(Attendance.id)))


@pytest.fixture
def sheet_event(oujda):
    """An event starting within the hour with Fatou and Omar confirmed, Awa waiting."""
    event = make_event(oujda, starts_in=SOON, capacity=2, venue="Maison des jeunes")
    people = {}
    for name in ("Fatou", "Omar"):
        people[name] = make_user(name).participant
        make_registration(event, people[name])
    people["Awa"] = make_user("Awa").participant
    make_registration(event, people["Awa"], status=RegistrationStatus.WAITING)
    return event, people


def _form(people, *, ticked=(), rows=(), tallies=None, confirmed=True) -> dict:
    data = {"ticked": [str(people[name].id) for name in ticked]}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"walk_ins-{index}-{key}"] = value
    for key, value in (tallies or {}).items():
        data[f"tallies-{key}"] = str(value)
    if confirmed:
        data["confirmed"] = "1"
    return data


def test_the_sheet_lists_names_codes_blank_rows_and_the_event(client, organiser, sheet_event):
    event, people = sheet_event
    session = event.sessions[0]
    sign_in_as(client, organiser)
    page = client.get(f"/door/sessions/{session.id}/sheet", query_string={"blank": 7})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = page.text
    assert "Attendance sheet" in text and "Maison des jeunes" in text and event.title_fr in text
    for name in ("Fatou", "Omar", "Awa"):
        assert name in text
    codes = db.session.scalars(sa.select(sa.text("ticket_code FROM registration"))).all()
    assert all(code in text for code in codes)
    assert text.count('<td class="write"></td>') == 7 + 8  # blank rows, then the tally's cells
    assert "On the waiting list" in text  # Awa's line says she is waiting


def test_the_sheet_is_in_the_readers_language(client, organiser, sheet_event):
    event, _people = sheet_event
    sign_in_as(client, organiser)
    page = client.get(f"/ar/door/sessions/{event.sessions[0].id}/sheet")
    assert 'dir="rtl"' in page.text and "ورقة الحضور" in page.text and "Attendance sheet" not in page.text
    french = client.get(f"/fr/door/sessions/{event.sessions[0].id}/sheet")
    assert "Feuille de présence" in french.text


def test_typing_the_sheet_in_records_ticks_walk_ins_and_tallies_as_paper(client, organiser, sheet_event):
    event, people = sheet_event
    session = event.sessions[0]
    sign_in_as(client, organiser)
    rows = [
        {"gender": "woman", "age_band": "25-59", "origin": "migrant"},
        {"display_name": "Binta"},
        {},  # an empty row is no walk-in
    ]
    data = _form(people, ticked=["Fatou", "Awa"], rows=rows, tallies={"woman_child": 2, "man_adult": 1})
    response = client.post(f"/door/sessions/{session.id}/sheet/type-in", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/door/sessions/{session.id}")
    door = client.get(response.headers["Location"]).text
    assert "Presences from its ticks: 2. Walk-ins: 5." in door
    recorded = attendances()
    assert len(recorded) == 7 and {a.channel for a in recorded} == {AttendanceChannel.PAPER}
    fatou = next(a for a in recorded if a.participant_id == people["Fatou"].id)
    awa = next(a for a in recorded if a.participant_id == people["Awa"].id)
    assert not fatou.is_walk_in and fatou.registration_id is not None
    assert awa.is_walk_in  # waiting for a seat, came anyway: a walk-in, as at the door
    anonymous = sorted((a.anonymous_gender, a.anonymous_age_band, a.anonymous_origin)
                       for a in recorded if a.participant_id is None)
    assert anonymous == [("man", "25-59", "undisclosed"), ("woman", "0-14", "undisclosed"),
                         ("woman", "0-14", "undisclosed"), ("woman", "25-59", "migrant")]
    assert db.session.scalar(sa.select(sa.func.sum(AttendanceTally.sessions))) == 3  # Fatou, Awa, Binta
    sheet = db.session.scalar(sa.select(PaperSheet))
    assert (sheet.ticked, sheet.walk_ins, sheet.typed_by_id) == (2, 5, organiser.id)


def test_the_first_post_only_shows_the_totals_to_check(client, organiser, sheet_event):
    event, people = sheet_event
    sign_in_as(client, organiser)
    data = _form(people, ticked=["Omar"], rows=[{"display_name": "Binta"}], tallies={"man_youth": 3},
                 confirmed=False)
    page = client.post(f"/door/sessions/{event.sessions[0].id}/sheet/type-in", data=data)
    assert page.status_code == 200
    assert "Ticked: 1 of the 3 people on the sheet." in page.text
    assert "Walk-ins on blank rows: 1. Strokes in the tally boxes: 3." in page.text
    assert 'value="Binta"' in page.text and "Record this sheet" in page.text
    assert attendances() == []


def test_htmx_check_answers_the_fragment_and_recording_redirects(client, organiser, sheet_event):
    event, people = sheet_event
    session = event.sessions[0]
    sign_in_as(client, organiser)
    url = f"/door/sessions/{session.id}/sheet/type-in"
    htmx = {"HX-Request": "true"}
    page = client.post(url, data=_form(people, ticked=["Omar"], confirmed=False), headers=htmx)
    assert page.status_code == 200 and "<html" not in page.text and 'id="type-in"' in page.text
    assert "HX-Request" in page.headers["Vary"]
    whole = client.get(url)
    assert "<html" in whole.text and 'id="type-in"' in whole.text
    done = client.post(url, data=_form(people, ticked=["Omar"]), headers={"HX-Request": "true"})
    assert done.headers["HX-Redirect"].endswith(f"/door/sessions/{session.id}")
    assert len(attendances()) == 1


def test_more_ticks_than_people_on_the_sheet_is_refused_and_nothing_written(client, organiser, sheet_event):
    event, people = sheet_event
    session = event.sessions[0]
    sign_in_as(client, organiser)
    data = _form(people, ticked=["Fatou", "Omar", "Awa"], rows=[{"display_name": "Binta"}])
    data["ticked"] += [str(people["Fatou"].id)]  # four ticks, three people
    page = client.post(f"/door/sessions/{session.id}/sheet/type-in", data=data)
    assert page.status_code == 422
    assert "4 ticks, but the sheet lists 3 people: count the ticks again." in page.text
    assert 'value="Binta"' in page.text  # what was typed stays
    assert attendances() == [] and db.session.scalar(sa.select(PaperSheet)) is None


def test_a_tick_for_someone_not_on_the_sheet_is_refused(client, organiser, sheet_event, oujda):
    event, people = sheet_event
    stranger = make_user("Karim").participant
    sign_in_as(client, organiser)
    data = _form(people, ticked=["Fatou"])
    data["ticked"] += [str(stranger.id)]
    page = client.post(f"/door/sessions/{event.sessions[0].id}/sheet/type-in", data=data)
    assert page.status_code == 422 and "A ticked line is not on this session" in page.text
    assert attendances() == []


def test_an_incomplete_blank_row_is_refused_whole(client, organiser, sheet_event):
    event, people = sheet_event
    sign_in_as(client, organiser)
    data = _form(people, ticked=["Fatou"], rows=[{"gender": "woman", "age_band": "25-59"}])
    page = client.post(f"/door/sessions/{event.sessions[0].id}/sheet/type-in", data=data)
    assert page.status_code == 422
    assert "Blank row 1: tick a gender, an age band and an origin, or write a name." in page.text
    assert attendances() == []


def test_a_tally_that_is_not_a_count_is_refused(client, organiser, sheet_event):
    event, people = sheet_event
    sign_in_as(client, organiser)
    for bad in ("-3", "lots", "999999"):
        data = _form(people, ticked=["Fatou"], tallies={"woman_adult": bad})
        page = client.post(f"/door/sessions/{event.sessions[0].id}/sheet/type-in", data=data)
        assert page.status_code == 422 and "Each tally is a number of people from 0 to 2000." in page.text
    assert attendances() == []


def test_a_sheet_typed_in_twice_is_refused_the_second_time(client, organiser, sheet_event):
    event, people = sheet_event
    session = event.sessions[0]
    sign_in_as(client, organiser)
    url = f"/door/sessions/{session.id}/sheet/type-in"
    assert client.post(url, data=_form(people, ticked=["Fatou"], tallies={"man_adult": 2})).status_code == 303
    again = client.post(url, data=_form(people, ticked=["Fatou", "Omar"], tallies={"man_adult": 2}))
    assert again.status_code == 422 and "sheet was already typed in on" in again.text
    assert len(attendances()) == 3  # the first sheet's: Fatou and two strokes
    assert "This session's sheet was typed in on" in client.get(f"/door/sessions/{session.id}/sheet").text


def test_someone_already_checked_in_at_the_door_is_not_counted_twice(organiser, sheet_event):
    event, people = sheet_event
    session = event.sessions[0]
    make_attendance(session, people["Fatou"], is_walk_in=False)
    typed = TypedSheet(ticked=[people["Fatou"].id, people["Omar"].id])
    outcome = type_in_paper_sheet(organiser, session, typed)
    assert (outcome.ticked, outcome.already_present) == (1, 1)
    channels = sorted((a.participant_id, a.channel) for a in attendances())
    assert channels == sorted([(people["Fatou"].id, "door"), (people["Omar"].id, "paper")])


def test_a_cancelled_event_or_a_session_not_open_takes_no_sheet(organiser, oujda, sheet_event):
    event, people = sheet_event
    event.status = "cancelled"
    db.session.commit()
    with pytest.raises(DoorError) as cancelled:
        type_in_paper_sheet(organiser, event.sessions[0], TypedSheet(ticked=[people["Fatou"].id]))
    later = make_event(oujda, starts_in=timedelta(days=5))
    with pytest.raises(DoorError) as not_open:
        binta = TypedSheet(walk_ins=[WalkInLine(display_name="Binta")])
        type_in_paper_sheet(organiser, later.sessions[0], binta)
    assert (cancelled.value.code, not_open.value.code) == ("cancelled", "not_open")
    assert attendances() == []


@pytest.mark.parametrize("path", ["/sheet", "/sheet/type-in"])
def test_an_organiser_of_another_municipality_is_answered_404_and_nothing_written(
    client, la_marsa, sheet_event, path
):
    event, people = sheet_event
    url = f"/door/sessions/{event.sessions[0].id}{path}"
    for stranger in (make_organiser(la_marsa), make_reviewer(la_marsa)):
        sign_in_as(client, stranger)
        page = client.get(url)
        assert page.status_code == 404 and "Fatou" not in page.text
        if path.endswith("type-in"):
            posted = client.post(url, data=_form(people, ticked=["Fatou"]))
            assert posted.status_code == 404 and "Fatou" not in posted.text
    assert attendances() == [] and db.session.scalar(sa.select(PaperSheet)) is None


def test_more_rows_adds_blank_rows_without_recording(client, organiser, sheet_event):
    event, people = sheet_event
    sign_in_as(client, organiser)
    data = _form(people, ticked=["Omar"], rows=[{"display_name": "Binta"}], confirmed=False)
    data["more_rows"] = "1"
    page = client.post(f"/door/sessions/{event.sessions[0].id}/sheet/type-in", data=data)
    assert page.text.count("<legend>Row ") == 10 and 'value="Binta"' in page.text
    assert attendances() == []


def test_reports_tell_paper_from_door(client, organiser, sheet_event):
    event, people = sheet_event
    session = event.sessions[0]
    make_attendance(session, people["Omar"], is_walk_in=False)  # at the door
    sign_in_as(client, organiser)
    data = _form(people, ticked=["Fatou"], tallies={"woman_adult": 4})
    assert client.post(f"/door/sessions/{session.id}/sheet/type-in", data=data).status_code == 303
    sign_in_as(client, make_admin())
    page = client.get("/reports", query_string={"event": event.id, "exact": 1}).text
    assert re.search(r'data-column="attendances">\s*6\s*<', page)
    assert "typed in from paper sheets" in page and re.search(r'data-column="paper">\s*5\s*<', page)
    export = client.get("/reports/export/summary.csv", query_string={"event": event.id, "exact": 1}).text
    assert "Of all attendances: typed in from paper sheets,5" in export


def test_the_door_and_the_event_page_link_to_the_paper_kit(client, organiser, sheet_event):
    event, _people = sheet_event
    session = event.sessions[0]
    sign_in_as(client, organiser)
    for url in (f"/door/sessions/{session.id}", f"/manage/events/{event.id}"):
        assert f'href="/en/door/sessions/{session.id}/sheet"' in client.get(url).text, url
    door = client.get(f"/door/sessions/{session.id}").text
    assert f'href="/en/door/sessions/{session.id}/sheet/type-in"' in door
