"""An organisers' message written in several languages reaches each person, through a real SMTP server
and the SMS gateway's stand-in, in their language, else in the first language written with a note."""

import sqlalchemy as sa

from app.core.models import OutboxMessage
from app.core.time import utcnow
from app.events import services as events
from app.extensions import db
from app.messages.channels import Channels, sms_adapter
from app.messages.channels.email import EmailChannel
from app.messages.compose import compose
from tests.factories import make_event, make_organiser, make_registration, make_user
from tests.messages.conftest import SENDER, drain

FRENCH, ARABIC = "Apportez vos tabliers, nous fournissons le reste.", "أحضروا مآزركم، ونحن نوفر الباقي."


def person(name: str, language: str, **identifier):
    user = make_user(name, **identifier)
    user.preferred_locale = language
    db.session.commit()
    return user


def sent_now():
    """Queued outside quiet hours whatever the time the test runs."""
    db.session.execute(sa.update(OutboxMessage).values(due_at=utcnow()))
    db.session.commit()


def test_each_person_reads_the_organisers_in_their_language_else_french_with_a_note(
        app, oujda, smtp_server, sms_server):
    event = make_event(oujda, title="Atelier cuisine", title_ar="ورشة الطبخ", title_en="Cooking workshop")
    readers = {
        "ar-email": person("Amina", "ar", email="amina@example.org"),
        "ar-sms": person("Awa", "ar", phone="+212612345678"),
        "en-email": person("Binta", "en", email="binta@example.org"),
        "en-sms": person("Fatou", "en", phone="+212612345679"),
    }
    for reader in readers.values():
        make_registration(event, reader.participant)
    with app.test_request_context():
        count = events.send_organiser_message(make_organiser(oujda), event.id, {"fr": FRENCH, "ar": ARABIC})
    assert count == 4
    sent_now()
    channels = Channels(by_name={"email": EmailChannel(smtp_server.url, SENDER),
                                 "sms": sms_adapter(sms_server.gateway_url())})
    assert drain(app, channels) == 4

    mails = {mail["To"]: mail for mail in smtp_server.box.messages}
    arabic = mails["amina@example.org"]
    assert ARABIC in arabic.get_body(("plain",)).get_content()
    assert FRENCH not in arabic.get_body(("plain",)).get_content()
    assert '<blockquote lang="ar" dir="rtl"' in arabic.get_body(("html",)).get_content()
    assert "(بالفرنسية)" not in arabic.get_body(("plain",)).get_content()

    english = mails["binta@example.org"].get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert english.startswith("Hello Binta,")
    assert f"{FRENCH}\n(in French)" in english and ARABIC not in english
    html = mails["binta@example.org"].get_body(("html",)).get_content()
    assert '<blockquote lang="fr" dir="ltr"' in html and "(in French)" in html

    sms = {request["phoneNumbers"][0]: request["text"] for request in sms_server.accepted.values()}
    assert ARABIC in sms["+212612345678"] and "Apportez" not in sms["+212612345678"]
    # No "(in French)" in an SMS: it would take the organisers' room (see compose).
    assert "Apportez vos tabliers, nous fournissons le reste." in sms["+212612345679"]
    assert "(in French)" not in sms["+212612345679"] and "أحضروا" not in sms["+212612345679"]


def test_a_message_queued_with_one_text_before_languages_still_composes(app, oujda):
    event = make_event(oujda, title="Atelier cuisine")
    reader = person("Amina", "ar", email="amina@example.org")
    message = OutboxMessage(participant_id=reader.participant_id, kind="organiser_message",
                            payload={"event_id": event.id, "text": FRENCH})
    db.session.add(message)
    db.session.commit()
    composed = compose(message)
    assert FRENCH in composed.text and "(بالفرنسية)" in composed.text
    assert composed.language == "ar"
