"""Organisers create, edit, publish, cancel and duplicate events; every bad input is refused whole."""

from datetime import date, timedelta

import sqlalchemy as sa

from app.core.models import OutboxMessage
from app.events.models import Event, EventSession, EventStatus, Registration, RegistrationStatus
from app.extensions import db
from tests.conftest import IsolatedClient, sign_in_as
from tests.factories import make_attendance, make_event, make_programme, make_registration, make_user

NEXT_MONTH = date.today() + timedelta(days=30)


def event_form(municipality, **overrides):
    day = overrides.pop("day", NEXT_MONTH)
    form = {
        "title_fr": "Journée portes ouvertes",
        "title_ar": "يوم مفتوح",
        "title_en": "",
        "description_fr": "Venez découvrir le centre.",
        "event_type": "open_day",
        "municipality_id": str(municipality.id),
        "venue_fr": "Maison des jeunes",
        "audience": "everyone",
        "languages": ["fr", "ar"],
        "capacity": "20",
        "programme_id": "",
        "registration_opens_at": "",
        "registration_closes_at": "",
        "sessions-0-day": day.isoformat(),
        "sessions-0-starts": "10:00",
        "sessions-0-ends": "12:00",
    }
    form.update(overrides)
    return form


def events_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Event))


def test_organiser_creates_a_draft_with_sessions_in_the_municipality_clock(client, organiser, oujda):
    sign_in_as(client, organiser)
    form = event_form(
        oujda,
        **{
            "sessions-1-day": (NEXT_MONTH + timedelta(days=1)).isoformat(),
            "sessions-1-starts": "14:00",
            "sessions-1-ends": "17:30",
        },
    )
    response = client.post("/manage/events/new", data=form)
    assert response.status_code == 303
    event = db.session.scalar(sa.select(Event))
    assert event.status == EventStatus.DRAFT
    assert event.title_ar == "يوم مفتوح" and event.title_en is None
    assert event.languages == "fr,ar" and event.capacity == 20
    assert len(event.sessions) == 2
    # 10:00 in Oujda (Africa/Casablanca, UTC+1) is 09:00 UTC
    assert event.sessions[0].starts_at.hour == 9
    assert event.starts_at == event.sessions[0].starts_at and event.ends_at == event.sessions[1].ends_at


def test_add_a_session_button_adds_a_row_without_saving(client, organiser, oujda):
    sign_in_as(client, organiser)
    response = client.post("/manage/events/new", data={**event_form(oujda), "add_session": "1"})
    assert response.status_code == 200
    assert 'name="sessions-1-day"' in response.text
    assert "Journée portes ouvertes" in response.text
    assert events_count() == 0


def assert_refused(response, message, typed="Journée portes ouvertes"):
    assert response.status_code == 422
    assert message in response.text
    assert typed in response.text  # the form keeps what was typed
    assert events_count() == 0


def test_a_session_ending_before_it_starts_is_refused(client, organiser, oujda):
    sign_in_as(client, organiser)
    response = client.post(
        "/manage/events/new",
        data=event_form(oujda, **{"sessions-0-starts": "15:00", "sessions-0-ends": "14:00"}),
    )
    assert_refused(response, "A session must end after it starts.")


def test_zero_or_negative_capacity_is_refused(client, organiser, oujda):
    sign_in_as(client, organiser)
    for capacity in ("0", "-5"):
        response = client.post("/manage/events/new", data=event_form(oujda, capacity=capacity))
        assert_refused(
            response, "The capacity must be a whole number above zero, or left empty for no limit."
        )


def test_registration_closing_after_the_event_is_refused(client, organiser, oujda):
    sign_in_as(client, organiser)
    late = (NEXT_MONTH + timedelta(days=2)).isoformat() + "T10:00"
    response = client.post("/manage/events/new", data=event_form(oujda, registration_closes_at=late))
    assert_refused(response, "Registration must close before the event ends.")


def test_registration_opening_after_it_closes_is_refused(client, organiser, oujda):
    sign_in_as(client, organiser)
    response = client.post(
        "/manage/events/new",
        data=event_form(
            oujda,
            registration_opens_at=f"{NEXT_MONTH.isoformat()}T09:00",
            registration_closes_at=f"{(NEXT_MONTH - timedelta(days=3)).isoformat()}T09:00",
        ),
    )
    assert_refused(response, "Registration must open before it closes and before the event starts.")


def test_an_event_without_title_or_session_is_refused(client, organiser, oujda):
    sign_in_as(client, organiser)
    response = client.post("/manage/events/new", data=event_form(oujda, title_fr="", title_ar=""))
    assert response.status_code == 422
    assert "Give the event a title in at least one language." in response.text
    response = client.post(
        "/manage/events/new",
        data=event_form(oujda, **{"sessions-0-day": "", "sessions-0-starts": "", "sessions-0-ends": ""}),
    )
    assert_refused(response, "Add at least one session with its date and times.")
    response = client.post("/manage/events/new", data=event_form(oujda, **{"sessions-0-ends": ""}))
    assert_refused(response, "Give the date, the start and the end of each session.")


def test_an_organiser_cannot_create_in_another_municipality(client, organiser, la_marsa):
    sign_in_as(client, organiser)
    response = client.post("/manage/events/new", data=event_form(la_marsa))
    assert response.status_code == 422
    assert "You can only run events in the municipalities you organise for." in response.text
    assert events_count() == 0


def test_an_organiser_of_another_municipality_cannot_edit_or_cancel(client, la_marsa, oujda):
    from tests.factories import make_organiser

    event = make_event(oujda)
    sign_in_as(client, make_organiser(la_marsa))
    assert client.get(f"/manage/events/{event.id}/edit").status_code == 403
    assert client.post(f"/manage/events/{event.id}/edit", data=event_form(la_marsa)).status_code == 403
    assert client.get(f"/manage/events/{event.id}/cancel").status_code == 404
    assert client.post(f"/manage/events/{event.id}/cancel", data={"confirmed": "1"}).status_code == 404
    assert db.session.get(Event, event.id).status == EventStatus.PUBLISHED


def test_a_non_existent_event_is_a_clear_404(client, organiser, resident):
    sign_in_as(client, organiser)
    for url in ("/events/999", "/manage/events/999", "/manage/events/999/edit", "/door/sessions/999"):
        response = client.get(url)
        assert response.status_code == 404
        assert "This page does not exist or is no longer available." in response.text
    sign_in_as(client, resident)
    assert client.post("/events/999/register").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0


def test_a_programme_must_cover_the_municipality(client, organiser, oujda, la_marsa):
    marsa_programme = make_programme([la_marsa], name="Programme La Marsa")
    oujda_programme = make_programme([oujda], name="Initiative 3H")
    sign_in_as(client, organiser)
    page = client.get("/manage/events/new").text
    assert "Initiative 3H" in page and "Programme La Marsa" not in page
    response = client.post("/manage/events/new", data=event_form(oujda, programme_id=str(marsa_programme.id)))
    assert_refused(response, "This programme does not cover the event&#39;s municipality.")
    response = client.post("/manage/events/new", data=event_form(oujda, programme_id=str(oujda_programme.id)))
    assert response.status_code == 303
    assert db.session.scalar(sa.select(Event.programme_id)) == oujda_programme.id


def test_edit_keeps_session_ids_and_bumps_the_version(client, organiser, oujda):
    event = make_event(oujda, sessions=2)
    session_ids = [s.id for s in event.sessions]
    sign_in_as(client, organiser)
    page = client.get(f"/manage/events/{event.id}/edit").text
    assert f'value="{session_ids[0]}"' in page
    form = event_form(
        oujda,
        version=str(event.version),
        title_fr="Atelier renommé",
        **{
            "sessions-0-id": str(session_ids[0]),
            "sessions-1-id": str(session_ids[1]),
            "sessions-1-day": (NEXT_MONTH + timedelta(days=1)).isoformat(),
            "sessions-1-starts": "10:00",
            "sessions-1-ends": "12:00",
        },
    )
    assert client.post(f"/manage/events/{event.id}/edit", data=form).status_code == 303
    event = db.session.get(Event, event.id)
    assert event.title_fr == "Atelier renommé" and event.version == 2
    assert [s.id for s in event.sessions] == session_ids


def test_a_stale_form_is_refused_and_nothing_typed_is_lost(client, organiser, oujda):
    event = make_event(oujda, title="Titre d'origine")
    stale_version = event.version
    from tests.factories import make_organiser

    colleague = IsolatedClient(client.application, client.application.response_class)
    colleague.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in_as(colleague, make_organiser(oujda, display_name="Salma"))
    sign_in_as(client, organiser)
    assert (
        f'value="{stale_version}"' in client.get(f"/manage/events/{event.id}/edit").text
    )  # both open the form
    first = event_form(oujda, version=str(stale_version), title_fr="Version de Salma")
    assert colleague.post(f"/manage/events/{event.id}/edit", data=first).status_code == 303
    second = event_form(oujda, version=str(stale_version), title_fr="Version de Youssef")
    response = client.post(f"/manage/events/{event.id}/edit", data=second)
    assert response.status_code == 409
    assert "Someone else saved this event while you were editing it." in response.text
    assert "Version de Youssef" in response.text  # what was typed, still in the form
    assert "Version de Salma" in response.text  # and the version saved in the meantime
    assert db.session.get(Event, event.id).title_fr == "Version de Salma"
    # Saving again from the re-shown form is a conscious overwrite and succeeds.
    assert f'name="version" type="hidden" value="{stale_version + 1}"' in response.text
    third = event_form(oujda, version=str(stale_version + 1), title_fr="Version de Youssef")
    assert client.post(f"/manage/events/{event.id}/edit", data=third).status_code == 303


def test_registrations_do_not_make_an_open_edit_form_stale(client, organiser, oujda):
    event = make_event(oujda, capacity=5)
    version = event.version
    from app.events.services import register_for_event

    register_for_event(event.id, make_user().participant_id)
    sign_in_as(client, organiser)
    form = event_form(oujda, version=str(version), title_fr="Nouveau titre", capacity="5")
    assert client.post(f"/manage/events/{event.id}/edit", data=form).status_code == 303


def test_capacity_cannot_go_below_confirmed_and_a_larger_one_promotes(client, organiser, oujda):
    event = make_event(oujda, capacity=1)
    make_registration(event, make_user().participant)
    waiting = make_registration(event, make_user().participant, status=RegistrationStatus.WAITING)
    sign_in_as(client, organiser)
    sessions = {"sessions-0-id": str(event.sessions[0].id)}
    day = event.sessions[0].starts_at.date()
    response = client.post(
        f"/manage/events/{event.id}/edit",
        data=event_form(oujda, version="1", capacity="2", day=day, **sessions),
    )
    assert response.status_code == 303
    assert db.session.get(Registration, waiting.id).status == RegistrationStatus.CONFIRMED
    event = db.session.get(Event, event.id)
    assert (event.confirmed_count, event.waiting_count) == (2, 0)
    response = client.post(
        f"/manage/events/{event.id}/edit",
        data=event_form(oujda, version=str(event.version), capacity="1", day=day, **sessions),
    )
    assert response.status_code == 422
    assert "2 people are already confirmed: the capacity cannot be lower." in response.text


def test_a_session_with_attendance_cannot_be_removed(client, organiser, oujda):
    event = make_event(oujda, sessions=2)
    make_attendance(event.sessions[1], make_user().participant)
    sign_in_as(client, organiser)
    form = event_form(oujda, version="1", **{"sessions-0-id": str(event.sessions[0].id)})
    response = client.post(f"/manage/events/{event.id}/edit", data=form)
    assert response.status_code == 422
    assert "A session where people were checked in cannot be removed." in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EventSession)) == 2


def test_publish_cancel_and_duplicate(client, organiser, oujda, resident):
    event = make_event(oujda, status=EventStatus.DRAFT, sessions=3, capacity=8)
    sign_in_as(client, organiser)
    assert client.post(f"/manage/events/{event.id}/publish").status_code == 303
    assert db.session.get(Event, event.id).status == EventStatus.PUBLISHED
    response = client.post(f"/manage/events/{event.id}/publish")
    assert "This event is already published." in client.get(response.headers["Location"]).text

    make_registration(db.session.get(Event, event.id), resident.participant)
    assert client.post(f"/manage/events/{event.id}/cancel", data={"confirmed": "1"}).status_code == 303
    assert db.session.get(Event, event.id).status == EventStatus.CANCELLED
    assert db.session.scalar(sa.select(OutboxMessage.kind)) == "event_cancelled"

    response = client.post(f"/manage/events/{event.id}/duplicate")
    assert response.status_code == 303
    copy = db.session.scalar(sa.select(Event).where(Event.id != event.id))
    assert response.headers["Location"].endswith(f"/manage/events/{copy.id}/edit")
    assert copy.status == EventStatus.DRAFT and copy.capacity == 8 and len(copy.sessions) == 3
    assert copy.confirmed_count == 0


def test_the_page_shows_the_visitors_language(client, oujda):
    event = make_event(oujda, title="Atelier cuisine", title_ar="ورشة طبخ", title_en="Cooking workshop")
    assert "Cooking workshop" in client.get(f"/events/{event.id}").text
    assert "ورشة طبخ" in client.get(f"/ar/events/{event.id}").text
    french = make_event(oujda, title="Seulement en français")
    assert "Seulement en français" in client.get(f"/events/{french.id}").text


def test_the_edit_form_shows_the_event_as_saved(client, organiser, oujda):
    programme = make_programme([oujda], name="Initiative 3H")
    event = make_event(
        oujda, programme_id=programme.id, event_type="training", audience="women", languages="ar"
    )
    sign_in_as(client, organiser)
    page = client.get(f"/manage/events/{event.id}/edit").text
    for selected in ('value="training">Training', 'value="women">Women', ">Initiative 3H</option>"):
        assert f"<option selected {selected}" in page or (
            selected.startswith(">") and f'<option selected value="{programme.id}">Initiative 3H' in page
        )
    assert '<input checked id="languages-1" name="languages" type="checkbox" value="ar">' in page


def test_cancelling_asks_once_more_saying_who_is_told(client, organiser, oujda, resident):
    event = make_event(oujda, capacity=1)
    make_registration(event, resident.participant)
    make_registration(event, make_user("Omar").participant, status="waiting")
    sign_in_as(client, organiser)
    manage = client.get(f"/manage/events/{event.id}").text
    assert f'href="/en/manage/events/{event.id}/cancel"' in manage  # a link to the question, no form
    url = f"/manage/events/{event.id}/cancel"
    for asked in (client.get(url), client.post(url)):
        assert asked.status_code == 200
        assert "The 2 people registered (confirmed or waiting) will be told by SMS or email" in asked.text
        assert "Cancelling cannot be undone" in asked.text and "Keep the event" in asked.text
    assert db.session.get(Event, event.id).status == EventStatus.PUBLISHED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    done = client.post(f"/manage/events/{event.id}/cancel", data={"confirmed": "1"})
    assert done.status_code == 303
    assert db.session.get(Event, event.id).status == EventStatus.CANCELLED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 2
    again = client.get(f"/manage/events/{event.id}/cancel")
    assert again.status_code == 303 and "already cancelled" in client.get(again.headers["Location"]).text


def _audits(action: str) -> list[dict]:
    from app.core.audit import AuditEntry

    return [entry.details for entry in db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    )]


def test_headcount_only_is_chosen_in_the_form_and_shown_on_the_events_page(client, organiser, oujda):
    sign_in_as(client, organiser)
    form = client.get("/manage/events/new").text
    assert 'name="headcount_only" type="checkbox" value="y"> Headcount only</label>' in form
    assert "the door shows only the counters and the walk-in tally" in form
    # Checked: the event counts heads at its door, and its page says so.
    response = client.post("/manage/events/new", data=event_form(oujda, title_fr="Fête de quartier",
                                                                 headcount_only="y"))
    assert response.status_code == 303
    counted = db.session.scalar(sa.select(Event).where(Event.title_fr == "Fête de quartier"))
    assert counted.headcount_only is True
    page = client.get(response.location).text
    assert "The door shows only the counters and the walk-in tally: it takes no names." in page
    door = client.get(f"/door/sessions/{counted.sessions[0].id}").text
    assert "door takes no names. Count everyone with the tally." in door and 'id="door-q"' not in door
    # Left unticked: the door finds and marks registered people.
    response = client.post("/manage/events/new", data=event_form(oujda, title_fr="Atelier"))
    named = db.session.scalar(sa.select(Event).where(Event.title_fr == "Atelier"))
    assert named.headcount_only is False
    assert "The door finds and marks registered people" in client.get(response.location).text
    assert 'id="door-q"' in client.get(f"/door/sessions/{named.sessions[0].id}").text


def test_headcount_only_is_switched_on_and_off_by_editing(client, organiser, oujda):
    event = make_event(oujda)
    sign_in_as(client, organiser)
    assert event.version == 1
    on = event_form(oujda, version="1", headcount_only="y",
                    **{"sessions-0-id": str(event.sessions[0].id)})
    assert client.post(f"/manage/events/{event.id}/edit", data=on).status_code == 303
    assert db.session.get(Event, event.id).headcount_only is True
    edit = client.get(f"/manage/events/{event.id}/edit").text
    assert '<input aria-describedby="headcount_only-hint" checked id="headcount_only"' in edit
    off = event_form(oujda, version="2", **{"sessions-0-id": str(event.sessions[0].id)})
    assert client.post(f"/manage/events/{event.id}/edit", data=off).status_code == 303
    assert db.session.get(Event, event.id).headcount_only is False
    # Both recorded as the door's own switch is; a save that leaves it alone records no switch.
    assert _audits("event.headcount_only") == [{"headcount_only": True}, {"headcount_only": False}]
    same = event_form(oujda, version="3", **{"sessions-0-id": str(event.sessions[0].id)})
    assert client.post(f"/manage/events/{event.id}/edit", data=same).status_code == 303
    assert len(_audits("event.headcount_only")) == 2


def test_a_form_opened_before_the_door_switched_to_headcount_cannot_switch_it_back(client, organiser, oujda):
    event = make_event(oujda)
    stale_version = event.version
    sign_in_as(client, organiser)
    client.get(f"/manage/events/{event.id}/edit")  # the form is opened, then the door is switched
    client.post(f"/door/sessions/{event.sessions[0].id}/headcount-only", data={"headcount_only": "1"})
    form = event_form(oujda, version=str(stale_version), title_fr="Renommé",
                      **{"sessions-0-id": str(event.sessions[0].id)})
    response = client.post(f"/manage/events/{event.id}/edit", data=form)
    assert response.status_code == 409 and "Renommé" in response.text
    event = db.session.get(Event, event.id)
    assert event.headcount_only is True and event.title_fr != "Renommé"


def test_an_organiser_of_another_municipality_cannot_switch_headcount_only(client, la_marsa, oujda):
    from tests.factories import make_organiser

    event = make_event(oujda, title="Atelier d'Oujda")
    version = event.version
    sign_in_as(client, make_organiser(la_marsa))
    form = event_form(oujda, version=str(version), headcount_only="y",
                      **{"sessions-0-id": str(event.sessions[0].id)})
    response = client.post(f"/manage/events/{event.id}/edit", data=form)
    assert response.status_code == 403 and "Atelier d&#39;Oujda" not in response.text
    event = db.session.get(Event, event.id)
    assert event.headcount_only is False and event.version == version
    assert _audits("event.headcount_only") == []
