"""A registration's state is an enum carrying its label; the parts of pages that differ by state come
from one template per state (templates/events/registration_states/), named by the state."""

import csv
import io
from datetime import timedelta

import pytest
from flask_babel import force_locale
from markupsafe import escape

from app.events.models import AttendeeStatus, EventStatus, RegistrationStatus, RegistrationWindow
from tests.conftest import sign_in_as
from tests.factories import make_attendance, make_event, make_organiser, make_registration, make_user

SHOWN_STATES = [*RegistrationStatus, AttendeeStatus.ATTENDED]  # walk-in lives only in the CSV


@pytest.mark.parametrize("state", SHOWN_STATES, ids=str)
def test_each_state_shown_on_a_page_has_its_template_with_the_pieces_pages_call(app, state):
    module = app.jinja_env.get_template(state.partial).module
    assert callable(module.badge)
    if state in RegistrationStatus:  # stored: the ticket page and the event's registration box ask too
        assert callable(module.ticket) and callable(module.box)


@pytest.mark.parametrize("window", RegistrationWindow, ids=str)
def test_each_registration_window_has_its_template(app, window):
    assert app.jinja_env.get_template(window.partial)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_my_events_and_the_attendance_sheet_name_each_state_by_its_one_label(
    app, client, oujda, resident, language
):
    confirmed = make_event(oujda, title="Confirmé")
    waiting = make_event(oujda, title="En attente", capacity=1)
    make_registration(waiting, make_user().participant)
    cancelled = make_event(oujda, title="Annulé")
    past = make_event(oujda, title="Passée", starts_in=timedelta(days=-3))
    make_registration(confirmed, resident.participant)
    make_registration(waiting, resident.participant, status=RegistrationStatus.WAITING)
    make_registration(cancelled, resident.participant, status=RegistrationStatus.CANCELLED)
    make_registration(past, resident.participant)
    make_attendance(past.sessions[0], resident.participant)
    make_attendance(past.sessions[0], None, anonymous_gender="woman", anonymous_age_band="25-59")
    with app.test_request_context(), force_locale(language):
        labels = {state: str(state.label) for state in AttendeeStatus}
    assert len(set(labels.values())) == len(labels)  # five distinct words in each language
    if language != "en":
        assert labels[AttendeeStatus.ATTENDED] != "Attended" and labels[AttendeeStatus.WALK_IN] != "Walk-in"
    headers = {"Accept-Language": language}
    shown = {state: escape(label) for state, label in labels.items()}  # as a page prints it

    sign_in_as(client, resident)
    upcoming = client.get("/me/events", headers=headers).text
    assert f'<span class="badge ok">{shown[AttendeeStatus.CONFIRMED]}</span>' in upcoming
    assert f'<span class="badge warn">{shown[AttendeeStatus.WAITING]}</span>' in upcoming
    assert f'<span class="badge">{shown[AttendeeStatus.CANCELLED]}</span>' in upcoming
    past_page = client.get("/me/events?when=past", headers=headers).text
    assert f'<span class="badge ok">{shown[AttendeeStatus.ATTENDED]}</span>' in past_page

    sign_in_as(client, make_organiser(oujda))
    sheet = client.get(f"/manage/events/{past.id}/attendance.csv", headers=headers)
    rows = list(csv.reader(io.StringIO(sheet.data.decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == [labels[AttendeeStatus.CONFIRMED], labels[AttendeeStatus.WALK_IN]]


def test_the_ticket_page_shows_what_its_state_gives(client, oujda, resident):
    event = make_event(oujda, capacity=1)
    make_registration(event, make_user().participant)
    registration = make_registration(event, resident.participant, status=RegistrationStatus.WAITING)
    sign_in_as(client, resident)
    page = client.get(f"/me/tickets/{registration.id}").text
    assert "the ticket appears here when you get a seat" in page and registration.ticket_code not in page


def test_the_registration_box_says_what_each_window_allows(client, oujda, resident):
    draft = make_event(oujda, status=EventStatus.DRAFT)
    full = make_event(oujda, capacity=1)
    make_registration(full, make_user().participant)
    sign_in_as(client, make_organiser(oujda))  # a draft is shown to its organisers only
    assert "This event is not published yet." in client.get(f"/events/{draft.id}").text
    sign_in_as(client, resident)
    page = client.get(f"/events/{full.id}").text
    assert "The event is full. You can join the waiting list." in page and ">Join the waiting list<" in page
