"""An event's organisers write to its registered people, in French, Arabic and/or English: checked once
before it goes, limited in size (per language) and frequency, audited, refused (404, nothing queued) to
organisers of another municipality."""

import sqlalchemy as sa

from app.core.models import AuditEntry, OutboxMessage
from app.extensions import db
from tests.conftest import sign_in_as
from tests.factories import make_event, make_organiser, make_registration, make_user

THREE_TEXTS = {"text_fr": "Apportez vos tabliers.", "text_ar": "أحضروا مآزركم.",
               "text_en": "Bring your aprons."}


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
    check = client.post(f"/manage/events/{event.id}/message", data={"text_fr": "Apportez vos tabliers."})
    assert check.status_code == 200 and "Once sent it cannot be taken back." in check.text
    assert "This message will go to the 2 people registered" in check.text
    assert messages() == []
    sent = client.post(f"/manage/events/{event.id}/message",
                       data={"text_fr": "Apportez vos tabliers.", "confirmed": "1"})
    assert sent.status_code == 303
    assert {m.participant_id for m in messages()} == people
    assert messages()[0].payload == {"event_id": event.id, "texts": {"fr": "Apportez vos tabliers."}}
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "event.message_sent"))
    assert entry.details == {"people": 2, "languages": ["fr"], "length": 22}
    assert "The message is on its way to 2 people." in client.get(f"/manage/events/{event.id}").text


def test_changing_the_message_before_sending_keeps_what_was_typed(client, oujda):
    event, _people = registered_event(oujda)
    sign_in_as(client, make_organiser(oujda))
    check = client.post(f"/manage/events/{event.id}/message", data={"text_fr": "Apportez vos tabliers."})
    assert 'name="confirmed" value="change"' in check.text
    back = client.post(f"/manage/events/{event.id}/message",
                       data={"text_fr": "Apportez vos tabliers.", "confirmed": "change"})
    assert back.status_code == 200 and "Check before sending" in back.text
    assert "Apportez vos tabliers.</textarea>" in back.text and "Once sent" not in back.text
    assert messages() == []


def test_three_languages_are_checked_together_then_queued_together(client, oujda):
    event, people = registered_event(oujda)
    sign_in_as(client, make_organiser(oujda))
    check = client.post(f"/manage/events/{event.id}/message", data=THREE_TEXTS)
    assert check.status_code == 200 and "Once sent it cannot be taken back." in check.text
    assert '<blockquote lang="ar" dir="rtl">أحضروا مآزركم.</blockquote>' in check.text
    assert "Not written in" not in check.text
    sent = client.post(f"/manage/events/{event.id}/message", data=THREE_TEXTS | {"confirmed": "1"})
    assert sent.status_code == 303
    assert {m.participant_id for m in messages()} == people
    assert messages()[0].payload["texts"] == {
        "fr": "Apportez vos tabliers.", "ar": "أحضروا مآزركم.", "en": "Bring your aprons."}


def test_the_check_says_which_languages_are_missing_and_who_reads_which(client, oujda):
    event, _people = registered_event(oujda)
    sign_in_as(client, make_organiser(oujda))
    check = client.post(f"/manage/events/{event.id}/message", data={"text_ar": "أحضروا  مآزركم.\n"})
    assert "Not written in French and English: people who read it get the text in Arabic" in check.text
    assert 'name="text_ar" value="أحضروا مآزركم."' in check.text  # spaces folded, as it will go
    assert messages() == []


def test_a_message_in_no_language_is_refused(client, oujda):
    event, _people = registered_event(oujda)
    sign_in_as(client, make_organiser(oujda))
    response = client.post(f"/manage/events/{event.id}/message",
                           data={"text_fr": "  ", "text_ar": "", "text_en": "\n", "confirmed": "1"})
    assert response.status_code == 400
    assert "Write the message in at least one language." in response.text
    assert messages() == []


def test_one_language_too_long_refuses_the_message_keeping_the_three_texts(client, oujda):
    event, _people = registered_event(oujda)
    sign_in_as(client, make_organiser(oujda))
    long_arabic = "أحضروا مآزركم " * 30
    data = THREE_TEXTS | {"text_ar": long_arabic, "confirmed": "1"}
    response = client.post(f"/manage/events/{event.id}/message", data=data)
    assert response.status_code == 400
    # Under the Arabic field, the one to shorten.
    assert ('<p class="field-error" id="text_ar-error">Keep the message within 300 characters '
            "(it goes by SMS too).</p>") in response.text
    assert "Apportez vos tabliers.</textarea>" in response.text
    assert "Bring your aprons.</textarea>" in response.text
    assert long_arabic.strip() in response.text
    assert messages() == []
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == "event.message_sent")) == 0


def test_a_message_too_long_is_refused_keeping_what_was_typed(client, oujda):
    event, _people = registered_event(oujda)
    sign_in_as(client, make_organiser(oujda))
    text = "Bonjour " * 40
    response = client.post(f"/manage/events/{event.id}/message", data={"text_fr": text, "confirmed": "1"})
    assert response.status_code == 400
    assert "Keep the message within 300 characters (it goes by SMS too)." in response.text
    assert "Bonjour Bonjour" in response.text
    assert messages() == []


def test_three_messages_a_day_then_a_clear_refusal(client, oujda):
    event, _people = registered_event(oujda)
    sign_in_as(client, make_organiser(oujda))
    for n in range(3):
        response = client.post(f"/manage/events/{event.id}/message",
                               data={"text_fr": f"Message {n}", "confirmed": "1"})
        assert response.status_code == 303
    response = client.post(f"/manage/events/{event.id}/message", data={"text_fr": "Encore", "confirmed": "1"})
    assert response.status_code == 400
    assert "already received 3 messages in the last 24 hours" in response.text
    assert len(messages()) == 6


def test_an_organiser_of_another_municipality_gets_404_and_nothing_is_queued(client, oujda, la_marsa):
    event, _people = registered_event(oujda)
    for person in (make_organiser(la_marsa), make_user("Resident")):
        sign_in_as(client, person)
        assert client.get(f"/manage/events/{event.id}/message").status_code == 404
        response = client.post(f"/manage/events/{event.id}/message", data=THREE_TEXTS | {"confirmed": "1"})
        assert response.status_code == 404 and "Atelier cuisine" not in response.text
    assert messages() == []
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == "event.message_sent")) == 0
