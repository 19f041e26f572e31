"""What each queued notification says, in the person's language, on their channel."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from app.accounts import services as accounts
from app.core.i18n import forget_translations
from app.core.models import OutboxMessage
from app.core.time import utcnow
from app.events import services as events
from app.extensions import db
from app.messages.compose import compose
from app.messages.kinds import TOPICS_OF_KINDS
from app.messages.models import MessagePreference
from app.messages.segments import segment_count
from app.proposals import services as proposals
from tests.factories import (
    make_call,
    make_card_holder,
    make_comment,
    make_event,
    make_organiser,
    make_proposal,
    make_registration,
    make_reviewer,
    make_user,
)


@pytest.fixture(autouse=True)
def in_a_request(app):
    """The services speak through the catalogs: they run inside a request, as in the app."""
    with app.test_request_context():
        yield


def at_noon_utc_in(days: int) -> timedelta:
    """From now to 12:00 UTC `days` days ahead (13:00 in Oujda): outside quiet hours, whenever run."""
    now = utcnow().replace(microsecond=0)
    noon = (now + timedelta(days=days)).replace(hour=12, minute=0, second=0)
    return noon - now


def queued(kind: str, participant_id: int | None = None) -> OutboxMessage:
    statement = sa.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id.desc())
    if participant_id is not None:
        statement = statement.where(OutboxMessage.participant_id == participant_id)
    return db.session.scalars(statement).first()


def catalog(language: str, msgid: str, **values) -> str:
    from flask import current_app

    with current_app.test_request_context(), force_locale(language):
        forget_translations()
        text = gettext(msgid, **values)
    forget_translations()
    return text


def set_language(user, language):
    user.preferred_locale = language
    db.session.commit()


# -- Every kind, produced by the app itself ------------------------------------------------------


def produce_every_kind(oujda, language: str, *, phone: bool = False) -> tuple[dict, object]:
    """Walk the app through each change that queues a message for one person; returns {kind: message}."""
    identifier = {"phone": "+212612345678"} if phone else {"email": "amina@example.org"}
    person = make_user("Amina", municipality=oujda, **identifier)
    set_language(person, language)
    organiser = make_organiser(oujda)
    reviewer = make_reviewer(oujda)
    full = make_event(oujda, title="Atelier couture", capacity=1, starts_in=at_noon_utc_in(7))
    other = make_registration(full, make_user("Other").participant)
    event = make_event(oujda, title="Atelier cuisine", title_ar="ورشة طبخ", title_en="Cooking workshop",
                       starts_in=at_noon_utc_in(7))
    events.register_for_event(event.id, person.participant_id)  # registration_confirmed
    events.register_for_event(full.id, person.participant_id)  # registration_waiting
    events.cancel_registration(other.id)  # registration_promoted
    from tests.factories.events import EventStatus  # noqa: F401 - the factories' own import

    call = make_call(oujda, phase="review")
    proposal = make_proposal(call, person)
    proposals.answer_proposal(db.session.get(type(proposal), proposal.id), reviewer, "accepted",
                              "Nous allons le faire au printemps.")
    comment = make_comment(proposal, person)
    proposals.add_comment(db.session.get(type(proposal), proposal.id), make_user("Youssef"), "Merci !",
                          parent_id=comment.id)
    accounts.request_password_reset("amina@example.org" if not phone else "0612345678")
    db.session.add(OutboxMessage(participant_id=person.participant_id, kind="sign_up_attempt",
                                 payload={"forgot_password_link": "http://127.0.0.1:5000/forgot-password"}))
    db.session.commit()
    events.send_organiser_message(organiser, event.id, "Apportez vos tabliers, nous fournissons le reste.")
    from app.messages.reminders import queue_due_reminders

    starts = db.session.get(type(event), event.id).starts_at
    queue_due_reminders(starts - timedelta(minutes=90))  # the two-hour reminder (the event is at noon-ish)
    events.cancel_event(organiser, full.id)  # event_cancelled
    found = {kind: queued(kind, person.participant_id) for kind in TOPICS_OF_KINDS}
    # Both events start at the same moment, so the pass reminded of both: the one still on is the
    # one to read (the pass queues them in one statement, in no order the test may rely on).
    found["event_reminder"] = db.session.scalars(sa.select(OutboxMessage).filter_by(
        kind="event_reminder", participant_id=person.participant_id, event_id=event.id)).first()
    return found, person


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_every_kind_is_composed_in_the_person_language_from_the_catalogs(app, oujda, language):
    messages, person = produce_every_kind(oujda, language)
    composed_kinds = set()
    for kind, message in messages.items():
        if message is None:
            continue
        composed = compose(message)
        assert composed is not None, kind
        composed_kinds.add(kind)
        assert composed.language == language
        assert composed.address == "amina@example.org"
        assert composed.channel == "email"  # the worker sends it through the log: no JIWAR_MAIL_URL in tests
        assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in composed.html
        hello = catalog(language, "Hello %(name)s,", name="Amina")
        assert composed.text.startswith(hello) and hello in composed.html
        if language != "en":
            assert "Hello" not in composed.text and " is confirmed" not in composed.text
    assert {"registration_confirmed", "registration_waiting", "registration_promoted", "proposal_answered",
            "comment_reply", "password_reset", "sign_up_attempt", "organiser_message", "event_cancelled",
            "event_reminder"} <= composed_kinds


def test_a_confirmed_registration_says_title_time_ticket_and_link_in_french(app, oujda):
    person = make_user("Amina", municipality=oujda)
    set_language(person, "fr")
    event = make_event(oujda, title="Atelier cuisine", venue="Maison de quartier Al Qods")
    registration = events.register_for_event(event.id, person.participant_id)
    composed = compose(queued("registration_confirmed"))
    assert composed.subject == "Inscription confirmée : Atelier cuisine"
    assert "Votre place à Atelier cuisine est confirmée." in composed.text
    assert registration.ticket_code in composed.text
    assert f"http://127.0.0.1:5000/fr/me/tickets/{registration.id}" in composed.text
    assert "Maison de quartier Al Qods" in composed.text
    assert composed.unsubscribe_url.startswith("http://127.0.0.1:5000/fr/unsubscribe/")


def test_a_password_link_has_no_unsubscribe_and_goes_even_with_messages_turned_off(app, oujda):
    person = make_user("Amina", email="amina@example.org")
    db.session.add(MessagePreference(participant_id=person.participant_id, channel="none",
                                     muted_topics=["registrations"]))
    db.session.commit()
    accounts.request_password_reset("amina@example.org")
    composed = compose(queued("password_reset"))
    assert composed is not None and composed.unsubscribe_url is None
    assert "http://127.0.0.1:5000/fr/reset/" in composed.text


def test_a_phone_account_gets_an_sms_within_two_segments_in_arabic(app, oujda):
    person = make_user("أمينة", phone="+212612345678", municipality=oujda)
    set_language(person, "ar")
    event = make_event(oujda, title_ar=("ورشة " + "طبخ تقليدي مغربي " * 20)[:200])
    registration = events.register_for_event(event.id, person.participant_id)
    composed = compose(queued("registration_confirmed"))
    assert (composed.address, composed.subject, composed.html) == ("+212612345678", "", None)
    assert segment_count(composed.text) <= 2
    assert registration.ticket_code in composed.text
    assert composed.text.endswith(f"http://127.0.0.1:5000/ar/me/tickets/{registration.id}")
    assert "..." in composed.text  # the title was cut, not the link


def test_a_french_sms_folds_its_accents_into_gsm_7(app, oujda):
    person = make_user("Amina", phone="+212612345678", municipality=oujda)
    set_language(person, "fr")
    event = make_event(oujda, title="Fête de quartier")
    events.register_for_event(event.id, person.participant_id)
    composed = compose(queued("registration_confirmed"))
    assert "Fete de quartier" in composed.text  # ê is not GSM-7: folded, one segment stays 160 characters
    assert "Fête" not in composed.text and segment_count(composed.text) == 1


# -- Shared phones -------------------------------------------------------------------------------


PERSONAL = ("Groupe de parole réfugiés", "Amina", "Youssef", "Un jardin pour les réfugiés")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_shared_phone_gets_no_personal_detail(app, oujda, language):
    holder = make_card_holder("Amina", phone="+212612345678", phone_shared=True)
    event = make_event(oujda, title="Groupe de parole réfugiés", title_ar="Groupe de parole réfugiés")
    events.register_for_event(event.id, holder.id)
    account = make_user("Amina", phone="+212698765432", municipality=oujda)
    set_language(account, language)
    account.participant.phone_shared = True
    db.session.commit()
    events.register_for_event(event.id, account.participant_id)
    call = make_call(oujda, phase="review")
    proposal = make_proposal(call, account, title="Un jardin pour les réfugiés")
    comment = make_comment(proposal, account)
    proposals.add_comment(proposal, make_user("Youssef"), "Oui", parent_id=comment.id)
    proposals.answer_proposal(proposal, make_reviewer(oujda), "accepted", "Un jardin pour les réfugiés")
    organiser = make_organiser(oujda)
    events.send_organiser_message(organiser, event.id, "Amina, Youssef: venez")
    texts = [compose(message) for message in db.session.scalars(sa.select(OutboxMessage))]
    texts = [composed for composed in texts if composed is not None]
    assert len(texts) >= 6
    for composed in texts:
        assert composed.channel == "sms" and composed.subject == ""
        for detail in PERSONAL:
            assert detail not in composed.text, composed.text


def test_the_desk_records_whether_a_card_holder_phone_is_shared(client, oujda):
    from tests.conftest import sign_in_as

    organiser = make_organiser(oujda)
    sign_in_as(client, organiser)
    client.post("/desk/people", data={"municipality_id": oujda.id, "display_name": "Awa",
                                           "phone": "0612345678", "phone_shared": "y"})
    client.post("/desk/people", data={"municipality_id": oujda.id, "display_name": "Binta",
                                           "phone": "0612345679"})
    from app.accounts.models import Participant

    shared = dict(db.session.execute(sa.select(Participant.display_name, Participant.phone_shared)).all())
    assert (shared["Awa"], shared["Binta"]) == (True, False)


# -- Nothing to send ----------------------------------------------------------------------------


def test_nothing_is_sent_for_a_topic_turned_off_or_an_erased_person(app, oujda):
    person = make_user("Amina")
    event = make_event(oujda)
    events.register_for_event(event.id, person.participant_id)
    message = queued("registration_confirmed")
    db.session.add(MessagePreference(participant_id=person.participant_id, muted_topics=["registrations"]))
    db.session.commit()
    assert compose(message) is None
    db.session.get(MessagePreference, person.participant_id).muted_topics = []
    db.session.commit()
    assert compose(message) is not None
    person.participant.erased_at = utcnow()
    db.session.commit()
    assert compose(message) is None


def test_an_unconfirmed_account_gets_only_its_code(app, oujda):
    person = make_user("Amina", confirmed=False)
    db.session.add(OutboxMessage(participant_id=person.participant_id, kind="event_cancelled",
                                 payload={"event_id": make_event(oujda).id}))
    db.session.commit()
    assert compose(queued("event_cancelled")) is None


def test_a_card_holder_without_a_phone_gets_nothing(app, oujda):
    holder = make_card_holder("Awa")
    event = make_event(oujda)
    events.register_for_event(event.id, holder.id)
    assert compose(queued("registration_confirmed")) is None


def test_links_are_on_the_canonical_address_whatever_the_request(app, client, oujda):
    person = make_user("Amina")
    event = make_event(oujda)
    events.register_for_event(event.id, person.participant_id)
    with app.test_request_context("/", base_url="http://evil.example"):
        composed = compose(queued("registration_confirmed"))
    assert "evil.example" not in composed.text
    assert re.search(r"http://127\.0\.0\.1:5000/\S+", composed.text)


def test_a_message_names_the_venue_in_the_persons_language(app, oujda):
    person = make_user("أمينة", municipality=oujda)
    set_language(person, "ar")
    event = make_event(oujda, title="Atelier cuisine",
                       venue={"fr": "Maison de quartier Al Qods", "ar": "دار الحي القدس"})
    events.register_for_event(event.id, person.participant_id)
    composed = compose(queued("registration_confirmed"))
    assert "دار الحي القدس" in composed.text and "Maison de quartier" not in composed.text
