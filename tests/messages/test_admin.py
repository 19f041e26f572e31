"""Administrators see the messages that failed and send one again; organisers see how an event's
reminders fared, and only for the events they run."""

from datetime import UTC, datetime

import sqlalchemy as sa

from app.core.models import AuditEntry, DeliveryStatus, OutboxMessage
from app.core.notifications import queue_notification
from app.extensions import db
from app.messages import quiet
from tests.conftest import sign_in_as
from tests.factories import make_admin, make_event, make_organiser, make_user
from tests.messages.conftest import drain, phone_person, queue_for, sms_channels
from tests.query_count import count_queries


def _failed(person, reason="SMS Gateway for Android answered 400: invalid phone number", event_id=1,
            **fields):
    message = queue_notification(person.participant_id, "event_cancelled", event_id=event_id)
    message.status, message.channel, message.address = DeliveryStatus.FAILED, "sms", "+212612345678"
    message.failure_reason, message.attempts = reason, 1
    for name, value in fields.items():
        setattr(message, name, value)
    db.session.commit()
    return message


def test_the_failed_messages_page_shows_reason_attempts_channel_and_a_masked_address(client):
    _failed(phone_person())
    admin = make_admin()
    page = sign_in_as(client, admin).get("/admin/messages")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "invalid phone number" in html and "event_cancelled" in html
    assert "+212•••78" in html and "+212612345678" not in html


def test_resending_asks_first_then_queues_the_message_again_with_a_new_key_and_audits_it(client, app, oujda,
                                                                                        sms_server):
    person = phone_person()
    message = _failed(person, event_id=make_event(oujda).id,
                      idempotency_key="00000000-0000-4000-8000-000000000000")
    admin = make_admin()
    sign_in_as(client, admin)
    confirm = client.get(f"/admin/messages/{message.id}/resend").get_data(as_text=True)
    assert "cannot be called back" in confirm
    assert db.session.get(OutboxMessage, message.id).status == DeliveryStatus.FAILED  # asking changed nothing
    response = client.post(f"/admin/messages/{message.id}/resend")
    assert response.status_code == 303
    db.session.expire_all()
    again = db.session.get(OutboxMessage, message.id)
    assert (again.status, again.attempts, again.failure_reason) == (DeliveryStatus.QUEUED, 0, None)
    assert again.idempotency_key != "00000000-0000-4000-8000-000000000000"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "message.resent"))
    assert (entry.actor_id, entry.target_id, entry.details) == (admin.id, message.id,
                                                                {"kind": "event_cancelled", "channel": "sms"})
    drain(app, sms_channels(sms_server.gateway_url()))
    assert db.session.get(OutboxMessage, message.id).status == DeliveryStatus.SENT
    # A message that is no longer failed cannot be resent: 404, nothing written.
    assert client.post(f"/admin/messages/{message.id}/resend").status_code == 404


def test_organisers_see_their_events_reminder_deliveries_counted_in_one_query(client, oujda, la_marsa, app,
                                                                            sms_server, monkeypatch):
    # At midday in Oujda: from 21:00 the reminders wait for the end of quiet hours instead of going.
    midday = datetime.now(UTC).replace(hour=11, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(quiet, "utcnow", lambda: midday)
    event = make_event(oujda)
    people = [make_user(phone=f"+2126123450{n:02d}") for n in range(5)]
    for person in people:
        queue_notification(person.participant_id, "event_reminder", event_id=event.id,
                           slot="day_before")
    queue_notification(people[0].participant_id, "event_cancelled", event_id=event.id)  # not a reminder
    db.session.commit()
    drain(app, sms_channels(sms_server.gateway_url()))
    reminders = sa.select(OutboxMessage).where(OutboxMessage.kind == "event_reminder")
    rows = db.session.scalars(reminders).all()
    rows[0].status, rows[1].status = DeliveryStatus.DELIVERED, DeliveryStatus.DELIVERED
    rows[2].status = DeliveryStatus.FAILED
    db.session.commit()

    organiser = make_organiser(oujda)
    html = sign_in_as(client, organiser).get(f"/manage/events/{event.id}").get_data(as_text=True)
    assert "2 delivered · 2 sent, no receipt yet · 1 failed" in html

    from app.events.queries import reminder_deliveries

    assert event.id  # loaded before counting
    with count_queries() as queries:
        reminder_deliveries(event)
    assert len(queries) == 1


def test_an_organiser_of_another_municipality_sees_nothing_of_an_events_deliveries(client, oujda, la_marsa):
    """Like every management page: 404 for a draft they cannot see, 403 for a published event (its
    public page is everyone's); neither shows a count."""
    from app.events.models import EventStatus

    published = make_event(oujda)
    draft = make_event(oujda, status=EventStatus.DRAFT)
    for event in (published, draft):
        queue_for(phone_person(f"+21261234{event.id:04d}"), 1, kind="event_reminder", event_id=event.id,
                  slot="two_hours")
    sign_in_as(client, make_organiser(la_marsa))
    for event, status in ((published, 403), (draft, 404)):
        response = client.get(f"/manage/events/{event.id}")
        assert response.status_code == status
        assert "delivered" not in response.get_data(as_text=True)
