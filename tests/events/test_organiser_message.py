"""An event's organisers write to its registered people: checked once before it goes, limited in size
and frequency, audited, refused (404, nothing queued) to organisers of another municipality."""

import sqlalchemy as sa

from app.core.models import AuditEntry, OutboxMessage
from app.extensions import db
from tests.conftest import sign_in_as
from tests.factories import make_event, make_organiser, make_registration, make_user


def messages() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "organiser_message")))


def registered_event(oujda):
    event = make_event(oujda, title="Atelier cuisine", capacity=1)
    confirmed, waiting, gone = make_user("A"), make_user("B"), make_user("C")
    make_registration(event, confirmed.participant)
    make_registration(event, waiting.participant, status="waiting")
    make_registration(event, gone.participant, status="cancelled")
    return event, {confirmed.participant_id, waiting.participant_id}


def test_the_organiser_checks_then_sends_to_confirmed_and_waiting_people(client, oujda):
    event, people = registered_event(oujda)
    sign_in_as(client, make_organiser(oujda))
    assert "Message the registered people" in client.get(f"/manage/events/{event.id}").text
    check = client.post(f"/manage/events/{event.id}/message", data={"text": "Apportez vos tabliers."})
    assert check.status_code == 200 and "Once sent it cannot be taken back." in check.text
    assert "This message will go to the 2 people registered" in check.text
    assert messages() == []
    sent = client.post(f"/manage/events/{event.id}/message",
                       data={"text": "Apportez vos tabliers.", "confirmed": "1"})
    assert sent.status_code == 303
    assert {m.participant_id for m in messages()} == people
    assert messages()[0].payload == {"event_id": event.id, "text": "Apportez vos tabliers."}
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "event.message_sent"))
    assert entry.details == {"people": 2, "length": 22}
    assert "The message is on its way to 2 people." in client.get(f"/manage/events/{event.id}").text


def test_changing_the_message_before_sending_keeps_what_was_typed(client, oujda):
    event, _people = registered_event(oujda)
    sign_in_as(client, make_organiser(oujda))
    check = client.post(f"/manage/events/{event.id}/message", data={"text": "Apportez vos tabliers."})
    assert 'name="confirmed" value="change"' in check.text
    back = client.post(f"/manage/events/{event.id}/message",
                       data={"text": "Apportez vos tabliers.", "confirmed": "change"})
    assert back.status_code == 200 and "Check before sending" in back.text
    assert "Apportez vos tabliers.</textarea>" in back.text and "Once sent" not in back.text
    assert messages() == []


def test_a_message_too_long_is_refused_keeping_what_was_typed(client, oujda):
    event, _people = registered_event(oujda)
    sign_in_as(client, make_organiser(oujda))
    text = "Bonjour " * 40
    response = client.post(f"/manage/events/{event.id}/message", data={"text": text, "confirmed": "1"})
    assert response.status_code == 400
    assert "Keep the message within 300 characters (it goes by SMS too)." in response.text
    assert "Bonjour Bonjour" in response.text
    assert messages() == []


def test_three_messages_a_day_then_a_clear_refusal(client, oujda):
    event, _people = registered_event(oujda)
    sign_in_as(client, make_organiser(oujda))
    for n in range(3):
        response = client.post(f"/manage/events/{event.id}/message",
                               data={"text": f"Message {n}", "confirmed": "1"})
        assert response.status_code == 303
    response = client.post(f"/manage/events/{event.id}/message", data={"text": "Encore", "confirmed": "1"})
    assert response.status_code == 400
    assert "already received 3 messages in the last 24 hours" in response.text
    assert len(messages()) == 6


def test_an_organiser_of_another_municipality_gets_404_and_nothing_is_queued(client, oujda, la_marsa):
    event, _people = registered_event(oujda)
    for person in (make_organiser(la_marsa), make_user("Resident")):
        sign_in_as(client, person)
        assert client.get(f"/manage/events/{event.id}/message").status_code == 404
        response = client.post(f"/manage/events/{event.id}/message", data={"text": "Hello", "confirmed": "1"})
        assert response.status_code == 404 and "Atelier cuisine" not in response.text
    assert messages() == []
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == "event.message_sent")) == 0
