"""What the fuzzers found, each pinned by the smallest request that broke it."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts.models import Participant
from app.events.models import Attendance, EventSession
from app.extensions import db
from app.proposals.models import Comment
from tests.conftest import sign_in_as
from tests.factories import (
    make_call,
    make_card_holder,
    make_event,
    make_municipality,
    make_organiser,
    make_proposal,
    make_user,
)


@pytest.mark.parametrize("event_id", [str(2**31), str(2**63), str(2**70)])
def test_an_id_past_any_row_in_the_path_is_not_found(client, event_id):
    # SQLite raised OverflowError for ids past 64 bits: a 500 on every page with an id in its path.
    response = client.get(f"/events/{event_id}")
    assert response.status_code == 404
    assert "This page does not exist" in response.get_data(as_text=True)


def test_registering_a_card_holder_without_choosing_an_event_says_so(client):
    # The event field left out of the form: the service looked up the event of id None.
    oujda = make_municipality("oujda")
    make_event(oujda)
    holder = make_card_holder("Awa")
    sign_in_as(client, make_organiser(oujda))
    response = client.post(f"/desk/people/{holder.id}/register", data={}, follow_redirects=True)
    assert response.status_code == 200
    assert "Choose one of the events you organise." in response.get_data(as_text=True)


@pytest.mark.parametrize("event_id", [str(2**31), str(2**70)])
def test_registering_a_card_holder_for_an_id_past_any_row_says_so(client, event_id):
    # The select's id went to the database as it was: "integer out of range" on PostgreSQL.
    oujda = make_municipality("oujda")
    holder = make_card_holder("Awa")
    sign_in_as(client, make_organiser(oujda))
    response = client.post(f"/desk/people/{holder.id}/register", data={"event_id": event_id},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "Choose one of the events you organise." in response.get_data(as_text=True)


def test_nul_characters_are_dropped_from_a_comment(client):
    # PostgreSQL refuses NUL in text: saving the comment was a 500 there.
    oujda = make_municipality("oujda")
    proposal = make_proposal(make_call(oujda, phase="support"), make_user("Author"))
    sign_in_as(client, make_user("Fatou"))
    response = client.post(f"/proposals/{proposal.id}/comments", data={"body": "Bonne\x00 idée"})
    assert response.status_code == 303
    assert db.session.scalars(sa.select(Comment.body)).all() == ["Bonne idée"]


@pytest.mark.parametrize("parent_id", ["²", str(2**31), str(2**70)])
def test_a_reply_to_a_comment_that_cannot_exist_is_a_new_thread(client, parent_id):
    # "²".isdigit() is true but int("²") raises; ids past 32 bits reached the database.
    oujda = make_municipality("oujda")
    proposal = make_proposal(make_call(oujda, phase="support"), make_user("Author"))
    sign_in_as(client, make_user("Fatou"))
    response = client.post(f"/proposals/{proposal.id}/comments", data={"body": "Oui", "parent_id": parent_id})
    assert response.status_code == 303
    assert db.session.scalars(sa.select(Comment.parent_id)).all() == [None]


@pytest.mark.parametrize("field", ["participant_id", "attendance_id"])
@pytest.mark.parametrize("value", ["²", str(2**31), str(2**70)])
def test_the_door_refuses_ids_that_cannot_exist(client, field, value):
    oujda = make_municipality("oujda")
    event = make_event(oujda)
    sign_in_as(client, make_organiser(oujda))
    action = "check-in" if field == "participant_id" else "undo"
    response = client.post(f"/door/sessions/{event.sessions[0].id}/{action}", data={field: value})
    assert response.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0


@pytest.mark.parametrize("version", ["²", "9" * 5000])
def test_editing_an_event_with_a_version_that_is_not_a_number_is_refused_as_stale(client, version):
    oujda = make_municipality("oujda")
    event = make_event(oujda, title="Atelier")
    sign_in_as(client, make_organiser(oujda))
    form = client.get(f"/manage/events/{event.id}/edit").get_data(as_text=True)
    assert "Atelier" in form
    data = {"version": version, "venue_fr": "Salle", "title_fr": "Atelier", "event_type": "workshop",
            "municipality_id": str(oujda.id), "audience": "everyone", "sessions-0-day": "2027-05-01",
            "sessions-0-starts": "10:00", "sessions-0-ends": "12:00"}
    response = client.post(f"/manage/events/{event.id}/edit", data=data)
    assert response.status_code == 409
    assert "Someone else saved this event" in response.get_data(as_text=True)


def test_an_event_session_row_with_an_id_that_is_not_a_number_is_a_new_session(client):
    oujda = make_municipality("oujda")
    sign_in_as(client, make_organiser(oujda))
    response = client.post("/manage/events/new", data={
        "title_fr": "Atelier", "event_type": "workshop", "municipality_id": str(oujda.id),
        "venue_fr": "Salle",
        "audience": "everyone", "languages": "fr", "sessions-0-id": "²", "sessions-0-day": "2027-05-01",
        "sessions-0-starts": "10:00", "sessions-0-ends": "12:00",
    })
    assert response.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EventSession)) == 1


@pytest.mark.parametrize(
    "query", ["category=²", "min_supports=²", f"min_supports={2**70}", f"category={2**70}"]
)
def test_proposal_filters_that_cannot_match_fall_back(client, query):
    call = make_call(make_municipality("oujda"), phase="support")
    assert client.get(f"/calls/{call.id}?{query}").status_code == 200


def test_nul_characters_are_dropped_from_every_form_and_query_string(client):
    # PostgreSQL refuses NUL in text: an event title, a walk-in's name or a search with one was a 500.
    oujda = make_municipality("oujda")
    event = make_event(oujda, starts_in=timedelta(hours=1))  # the door is open
    sign_in_as(client, make_organiser(oujda))
    response = client.post(f"/door/sessions/{event.sessions[0].id}/walk-in", data={"display_name": "A\x00wa"})
    assert response.status_code == 303
    assert db.session.scalars(sa.select(Participant.display_name).order_by(Participant.id)).all()[-1] == "Awa"
    assert client.get("/events?q=a%00b").status_code == 200
    assert client.get("/desk?q=%00").status_code == 200


@pytest.mark.parametrize(
    ("path", "field", "size"),
    [("desk", "display_name", 81), ("desk", "phone", 21), ("door", "display_name", 81),
     ("event", "title_fr", 201), ("event", "venue_fr", 201)],
)
def test_text_longer_than_its_column_is_refused_by_the_form(client, path, field, size):
    # PostgreSQL refuses a value longer than its varchar ("value too long"): a 500 there, while
    # SQLite stored it whole. The forms now say how long it may be, and nothing is written.
    oujda = make_municipality("oujda")
    event = make_event(oujda, title="Atelier", starts_in=timedelta(hours=1))
    sign_in_as(client, make_organiser(oujda))
    url, data = {
        "desk": ("/desk/people", {"display_name": "Awa", "consent": "y"}),
        "door": (f"/door/sessions/{event.sessions[0].id}/walk-in", {}),
        "event": ("/manage/events/new", {"title_fr": "Atelier", "event_type": "workshop", "venue_fr": "Salle",
                                         "municipality_id": str(oujda.id), "audience": "everyone",
                                         "sessions-0-day": "2027-05-01", "sessions-0-starts": "10:00",
                                         "sessions-0-ends": "12:00"}),
    }[path]
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Participant))
    response = client.post(url, data={**data, field: "x" * size}, follow_redirects=True)
    assert response.status_code == 422
    assert f"Field cannot be longer than {size - 1} characters" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EventSession)) == 1
