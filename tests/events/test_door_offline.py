"""The door without a network: the roster a phone keeps, and the queue it sends when the network is
back (each entry with an id made on the phone, accepted once)."""

import re
import uuid
from datetime import UTC, timedelta

import sqlalchemy as sa

from app.events.models import Attendance, DoorReceipt
from app.extensions import db
from tests.conftest import sign_in_as
from tests.factories import (
    make_card_holder,
    make_event,
    make_municipality,
    make_organiser,
    make_registration,
    make_user,
)
from tests.query_count import count_queries

SOON = timedelta(hours=1)  # check-in is open: the session starts within the hour
READ_FAILED = "This entry could not be read: it was not recorded."


def attendances() -> list[Attendance]:
    return list(db.session.scalars(sa.select(Attendance).order_by(Attendance.id)))


def receipts() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(DoorReceipt))


def check_in_entry(participant_id=None, code=None, client_id=None) -> dict:
    fields = {}
    if participant_id is not None:
        fields["participant_id"] = str(participant_id)
    if code is not None:
        fields["code"] = code
    return {"client_id": client_id or str(uuid.uuid4()), "kind": "check-in", "fields": fields}


def walk_in_entry(client_id=None, **fields) -> dict:
    fields = fields or {"gender": "woman", "age_band": "25-59", "origin": "migrant"}
    return {"client_id": client_id or str(uuid.uuid4()), "kind": "walk-in", "fields": fields}


def sync(client, session, entries):
    return client.post(f"/door/sessions/{session.id}/sync", json={"entries": entries})


def by_id(response) -> dict:
    return {result["client_id"]: result for result in response.get_json()["results"]}


def test_the_roster_holds_names_and_ticket_codes_until_the_session_ends(client, organiser, oujda, resident):
    event = make_event(oujda, starts_in=SOON)
    registration = make_registration(event, resident.participant)
    make_user("Inconnu")  # registered for nothing: not on the roster
    session = event.sessions[0]
    sign_in_as(client, organiser)
    sync(client, session, [check_in_entry(resident.participant.id)])  # present: the roster does not say so
    response = client.get(f"/door/sessions/{session.id}/roster")
    assert response.status_code == 200
    assert response.get_json()["people"] == [
        {"id": resident.participant.id, "name": "Fatou", "code": registration.ticket_code}
    ]
    assert "Inconnu" not in response.text
    assert response.headers["Cache-Control"] == "no-store"
    # The door page and the roster are kept by the phone no longer than the session lasts.
    ends = session.ends_at.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert response.headers["Jiwar-Keep-Until"] == ends
    assert client.get(f"/door/sessions/{session.id}").headers["Jiwar-Keep-Until"] == ends


def test_the_door_page_says_what_waits_and_each_form_carries_an_id_slot(client, organiser, oujda, resident):
    event = make_event(oujda, starts_in=SOON)
    make_registration(event, resident.participant)
    sign_in_as(client, organiser)
    page = client.get(f"/door/sessions/{event.sessions[0].id}").text
    assert 'id="door-offline"' in page and "Waiting to be sent: {count}" in page
    assert page.count('name="client_id"') == 6  # Fatou's check-in, the tally's four +1 and the walk-in form
    worker = client.get("/door/offline.js")
    assert worker.mimetype == "text/javascript" and "offline-pages.js" in worker.text


def test_the_same_entry_sent_twice_is_recorded_once(client, organiser, oujda, resident):
    event = make_event(oujda, starts_in=SOON)
    make_registration(event, resident.participant)
    session = event.sessions[0]
    sign_in_as(client, organiser)
    queue = [check_in_entry(resident.participant.id), walk_in_entry(), walk_in_entry(display_name="Visiteur")]
    first = by_id(sync(client, session, queue))
    assert {result["status"] for result in first.values()} == {"recorded"}
    assert len(attendances()) == 3 and receipts() == 3
    again = by_id(sync(client, session, queue))  # the answer was lost: the phone sends it all again
    assert {result["status"] for result in again.values()} == {"already"}
    assert len(attendances()) == 3 and receipts() == 3
    assert db.session.scalar(sa.select(sa.func.count()).where(Attendance.participant_id.is_(None))) == 1


def test_two_phones_checking_in_the_same_person_record_one_presence(client, organiser, oujda, resident):
    event = make_event(oujda, starts_in=SOON)
    make_registration(event, resident.participant)
    session = event.sessions[0]
    colleague = make_organiser(oujda, display_name="Salma")
    sign_in_as(client, organiser)
    first_phone = check_in_entry(resident.participant.id)
    assert by_id(sync(client, session, [first_phone]))[first_phone["client_id"]]["status"] == "recorded"
    other = client.application.test_client()
    sign_in_as(other, colleague)
    second_phone = check_in_entry(resident.participant.id)
    assert by_id(sync(other, session, [second_phone]))[second_phone["client_id"]]["status"] == "recorded"
    assert [a.participant_id for a in attendances()] == [resident.participant.id]
    assert by_id(sync(other, session, [second_phone]))[second_phone["client_id"]]["status"] == "already"
    assert len(attendances()) == 1


def test_a_form_sent_twice_with_its_id_counts_once(client, organiser, oujda):
    event = make_event(oujda, starts_in=SOON)
    url = f"/door/sessions/{event.sessions[0].id}"
    sign_in_as(client, organiser)
    form = {"gender": "man", "age_band": "15-24", "origin": "host", "client_id": str(uuid.uuid4())}
    assert client.post(f"{url}/walk-in", data=form).status_code == 303
    assert client.post(f"{url}/walk-in", data=form).status_code == 303
    assert len(attendances()) == 1
    # Without JavaScript the id is empty: each form sent counts, as before.
    client.post(f"{url}/walk-in", data={**form, "client_id": ""})
    assert len(attendances()) == 2


def test_a_check_in_queued_for_an_event_cancelled_meanwhile_is_refused(client, organiser, oujda, resident):
    event = make_event(oujda, starts_in=SOON)
    make_registration(event, resident.participant)
    session = event.sessions[0]
    sign_in_as(client, organiser)
    assert client.post(f"/manage/events/{event.id}/cancel", data={"confirmed": "1"}).status_code == 303
    check_in, walk_in = check_in_entry(resident.participant.id), walk_in_entry()
    results = by_id(sync(client, session, [check_in, walk_in]))
    for entry in (check_in, walk_in):
        assert results[entry["client_id"]] == {
            "client_id": entry["client_id"],
            "status": "refused",
            "message": "This event has been cancelled.",
        }
    assert attendances() == [] and receipts() == 0


def test_a_roster_older_than_a_card_reissue_is_refused_clearly(client, organiser, oujda):
    event = make_event(oujda, starts_in=SOON)
    holder = make_card_holder("Awa")
    make_registration(event, holder)
    old_code = holder.cards[0].code
    session = event.sessions[0]
    sign_in_as(client, organiser)
    client.post(f"/desk/people/{holder.id}/reissue")  # while the phone was offline with the old code
    with_id, code_only = check_in_entry(holder.id, code=old_code), check_in_entry(code=old_code)
    results = by_id(sync(client, session, [with_id, code_only]))
    for entry in (with_id, code_only):
        assert results[entry["client_id"]]["status"] == "refused"
        assert results[entry["client_id"]]["message"] == (
            "This card was replaced by a new one: the old code no longer works."
        )
    assert attendances() == [] and receipts() == 0
    # The card now in the person's hands, typed offline (not on the roster), is recorded.
    db.session.expire_all()
    new_code = next(card.code for card in holder.cards if card.is_active)
    entry = check_in_entry(code=new_code)
    assert by_id(sync(client, session, [entry]))[entry["client_id"]]["status"] == "recorded"
    assert [a.participant_id for a in attendances()] == [holder.id]


def test_malformed_and_foreign_entries_are_refused_naming_nobody(client, organiser, oujda, resident):
    event = make_event(oujda, starts_in=SOON)
    session = event.sessions[0]
    marsa = make_municipality("la-marsa")
    marsa_event = make_event(marsa, starts_in=SOON)
    stranger = make_user("Mariama")
    make_registration(marsa_event, stranger.participant)  # registered elsewhere, not here
    sign_in_as(client, organiser)
    good = walk_in_entry()
    entries = [
        {"client_id": "not-an-id", "kind": "check-in", "fields": {"participant_id": "1"}},
        {"client_id": str(uuid.uuid4()), "kind": "undo", "fields": {}},
        {"client_id": str(uuid.uuid4()), "kind": "walk-in", "fields": "gender=woman"},
        "just a string",
        check_in_entry(),  # neither a person nor a code
        check_in_entry(stranger.participant.id),  # someone of another municipality's event
        walk_in_entry(gender="woman"),  # anonymous, incomplete
        walk_in_entry(gender="robot", age_band="25-59", origin="host"),
        good,
    ]
    response = sync(client, session, entries)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [result["status"] for result in results] == ["refused"] * 8 + ["recorded"]
    assert [result["message"] for result in results[:5]] == [READ_FAILED] * 5
    assert results[5]["message"].startswith("Nobody registered for this event matches")
    assert "Mariama" not in response.text
    assert results[6]["message"] == (
        "For an anonymous walk-in, choose a gender, an age band and an origin, or give a name."
    )
    assert [a.participant_id for a in attendances()] == [None] and receipts() == 1
    for body in (b"not json", b'{"entries": "x"}', b"[]"):
        refused = client.post(
            f"/door/sessions/{session.id}/sync", data=body, content_type="application/json"
        )
        assert refused.status_code == 400
        assert refused.get_json()["error"] == "These entries could not be read: nothing was recorded."
    assert len(attendances()) == 1
    assert sync(client, session, [walk_in_entry() for _ in range(101)]).status_code == 400  # parts of 25
    assert len(attendances()) == 1


def test_another_municipalitys_organiser_gets_nothing_and_writes_nothing(client, oujda, resident):
    event = make_event(oujda, starts_in=SOON)
    make_registration(event, resident.participant)
    session = event.sessions[0]
    marsa_organiser = make_organiser(make_municipality("la-marsa"), display_name="Sami")
    sign_in_as(client, marsa_organiser)
    roster = client.get(f"/door/sessions/{session.id}/roster")
    assert roster.status_code == 404 and "Fatou" not in roster.text
    refused = sync(client, session, [check_in_entry(resident.participant.id), walk_in_entry()])
    assert refused.status_code == 404 and "Fatou" not in refused.text
    assert attendances() == [] and receipts() == 0


def test_sign_out_clears_what_the_browser_kept(client, organiser):
    sign_in_as(client, organiser)
    response = client.post("/sign-out")
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_the_roster_runs_a_fixed_number_of_queries(client, organiser, oujda):
    event = make_event(oujda, starts_in=SOON, capacity=100)
    session = event.sessions[0]
    make_registration(event, make_user().participant)
    sign_in_as(client, organiser)

    def roster_queries():
        with count_queries() as queries:
            assert client.get(f"/door/sessions/{session.id}/roster").status_code == 200
        return len(queries)

    roster_queries()  # the first request of a session also writes its clocks
    one = roster_queries()
    for _ in range(29):
        make_registration(event, make_user().participant)
    assert roster_queries() == one


def test_the_queue_is_sent_with_the_pages_token_and_refused_without_it(
    client, app, organiser, oujda, monkeypatch
):
    """As in production (CSRF on): the phone sends the token of the door page it has (htmx's header)."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    event = make_event(oujda, starts_in=SOON)
    session = event.sessions[0]
    sign_in_as(client, organiser)
    page = client.get(f"/door/sessions/{session.id}").text
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
    entry = walk_in_entry()
    refused = sync(client, session, [entry])
    assert refused.status_code == 400 and attendances() == []
    sent = client.post(
        f"/door/sessions/{session.id}/sync", json={"entries": [entry]}, headers={"X-CSRFToken": token}
    )
    assert by_id(sent)[entry["client_id"]]["status"] == "recorded"
    assert len(attendances()) == 1


def test_tally_taps_kept_offline_count_once(client, organiser, oujda):
    event = make_event(oujda, starts_in=SOON)
    session = event.sessions[0]
    sign_in_as(client, organiser)
    taps = [
        {"client_id": str(uuid.uuid4()), "kind": "tally", "fields": {"group": group}}
        for group in ("women", "girls", "aliens")
    ]
    first = sync(client, session, taps).get_json()["results"]
    assert [result["status"] for result in first] == ["recorded", "recorded", "refused"]
    assert first[2]["message"] == "Choose women, men, girls or boys."
    again = sync(client, session, taps).get_json()["results"]
    assert [result["status"] for result in again] == ["already", "already", "refused"]
    assert sorted(a.anonymous_gender for a in attendances()) == ["woman", "woman"]
    # Online, a +1 sent twice with its id (the answer lost, the phone sent it again) is one person.
    tap = {"group": "men", "client_id": str(uuid.uuid4())}
    for _ in range(2):
        client.post(f"/door/sessions/{session.id}/tally", data=tap)
    assert len(attendances()) == 3


def _move_back(event, days: int) -> None:
    """The event, its sessions and the door's receipts for them, `days` earlier (as if recorded then)."""
    shift = timedelta(days=days)
    rows = [event, *event.sessions, *db.session.scalars(
        sa.select(DoorReceipt).where(DoorReceipt.session_id.in_([session.id for session in event.sessions]))
    )]
    for row in rows:
        for column in ("starts_at", "ends_at", "received_at"):
            if hasattr(row, column):
                setattr(row, column, getattr(row, column) - shift)
    db.session.commit()


def _receipt_sessions() -> list[int]:
    return list(db.session.scalars(sa.select(DoorReceipt.session_id).order_by(DoorReceipt.session_id)))


def test_the_daily_retention_pass_purges_receipts_of_long_past_events(app, client, organiser, oujda):
    assert app.config["JIWAR_DOOR_RECEIPT_DAYS"] == 30
    long_past, recent = make_event(oujda, starts_in=SOON), make_event(oujda, starts_in=SOON)
    sign_in_as(client, organiser)
    queues = {}
    for event in (long_past, recent):
        queues[event.id] = [walk_in_entry(), walk_in_entry(display_name="Visiteur")]
        sent = by_id(sync(client, event.sessions[0], queues[event.id]))
        assert {result["status"] for result in sent.values()} == {"recorded"}
    _move_back(long_past, 40)
    _move_back(recent, 10)
    result = app.test_cli_runner().invoke(args=["jiwar", "apply-retention"])
    assert "2 door receipt(s) of events ended more than 30 days ago deleted." in result.output
    assert _receipt_sessions() == [recent.sessions[0].id, recent.sessions[0].id]
    # Within the retention, the queue sent again records nothing twice.
    again = by_id(sync(client, recent.sessions[0], queues[recent.id]))
    assert {result["status"] for result in again.values()} == {"already"}
    # Past it, the door cannot tell a repeat from a new entry: refused, with the reason, nothing recorded.
    late = by_id(sync(client, long_past.sessions[0], queues[long_past.id] + [walk_in_entry()]))
    assert {result["status"] for result in late.values()} == {"refused"}
    assert next(iter(late.values()))["message"].startswith(
        "This entry was kept on the phone more than 30 days after the event ended: it was not recorded"
    )
    assert len(attendances()) == 4 and receipts() == 2
    # The pass run again the same day finds nothing; a dry run only counts.
    assert "0 door receipt(s)" in app.test_cli_runner().invoke(args=["jiwar", "apply-retention"]).output
    _move_back(recent, 25)
    dry = app.test_cli_runner().invoke(args=["jiwar", "apply-retention", "--dry-run"])
    assert "2 door receipt(s) of events ended more than 30 days ago would be deleted." in dry.output
    assert receipts() == 2
