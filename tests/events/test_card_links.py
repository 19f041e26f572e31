"""Linking a participant card to an account (issue 14): the desk asks with the code read from the
card the person holds, the account holder decides. Nothing moves on the organiser's word alone, and
the answers recorded at the desk move only with the account holder's own consent."""

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts.models import Participant, ParticipantCard
from app.core.models import AuditEntry, OutboxMessage
from app.core.time import utcnow
from app.events.models import Attendance, CardLinkRequest, Registration
from app.extensions import db
from tests.accounts.helpers import without_tokens
from tests.conftest import sign_in_as
from tests.factories import (
    make_attendance,
    make_card_holder,
    make_event,
    make_organiser,
    make_registration,
    make_user,
)

DESK_ANSWERS = {"gender": "woman", "birth_year": 1994, "origin": "migrant", "country_code": "ML"}


@pytest.fixture
def holder(oujda):
    """A card holder of Oujda's desk who agreed to give her answers, registered and present once."""
    person = make_card_holder("Oumou Sangaré", municipality=oujda, phone="0611223344",
                              consent_at=utcnow(), **DESK_ANSWERS)
    event = make_event(oujda, title="Atelier couture")
    make_registration(event, person)
    make_attendance(event.sessions[0], person)
    return person


@pytest.fixture
def account():
    return make_user("Oumou S.", email="oumou@example.org")


def _code(person) -> str:
    return db.session.scalar(
        sa.select(ParticipantCard.code).filter_by(participant_id=person.id, is_active=True)
    )


def _where_things_are(person_id: int):
    """Who holds the card, the registrations and the attendances, and the desk's answers."""
    person = db.session.get(Participant, person_id)
    db.session.refresh(person)
    return (
        db.session.scalars(sa.select(ParticipantCard.participant_id)).all(),
        db.session.scalars(sa.select(Registration.participant_id)).all(),
        db.session.scalars(sa.select(Attendance.participant_id)).all(),
        tuple(getattr(person, column) for column in (*DESK_ANSWERS, "phone")),
    )


def _ask(client, organiser, holder, code, identifier="oumou@example.org"):
    sign_in_as(client, organiser)
    return client.post(f"/desk/people/{holder.id}/link", data={"card_code": code, "account": identifier})


def _pending(account) -> CardLinkRequest:
    return db.session.scalar(sa.select(CardLinkRequest).filter_by(account_id=account.id, status="pending"))


def test_the_attack_of_the_issue_another_desk_cannot_even_ask(client, holder, la_marsa):
    """La Marsa's organiser creates an account and tries to link Oujda's card holder to it."""
    marsa = make_organiser(la_marsa, display_name="Organiser La Marsa")
    make_user("Accomplice", email="accomplice@example.org")
    before = _where_things_are(holder.id)
    response = _ask(client, marsa, holder, _code(holder), "accomplice@example.org")
    assert response.status_code == 404
    assert "Oumou" not in response.text
    assert _where_things_are(holder.id) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CardLinkRequest)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_nothing_moves_until_the_account_holder_confirms(client, holder, account, organiser):
    before = _where_things_are(holder.id)
    response = _ask(client, organiser, holder, _code(holder).lower().replace("-", " "))
    assert response.status_code == 303
    flashed = client.get(response.headers["Location"]).text
    assert "If an account has this email or phone, its holder will be asked to confirm." in flashed
    assert _where_things_are(holder.id) == before  # the organiser's word alone moves nothing
    # The account holder is told, without a word about the card holder.
    message = db.session.scalar(sa.select(OutboxMessage).filter_by(participant_id=account.participant_id))
    assert message.kind == "card_link_requested"
    assert "Oumou" not in json.dumps(message.payload) and _code(holder) not in json.dumps(message.payload)
    audited = sa.select(AuditEntry.action).where(AuditEntry.action.like("participant_card.link%"))
    assert db.session.scalars(audited).all() == ["participant_card.link_requested"]


def test_the_same_answer_whether_or_not_an_account_exists(client, holder, account, organiser):
    pages = []
    for identifier in ("oumou@example.org", "nobody@example.org"):
        response = _ask(client, organiser, holder, _code(holder), identifier)
        assert response.status_code == 303
        pages.append(without_tokens(client.get(response.headers["Location"]).data))  # a token's time moves
    assert pages[0] == pages[1]  # the organiser cannot tell which identifier has an account
    assert b"its holder will be asked to confirm" in pages[0] and b"Oumou S." not in pages[0]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CardLinkRequest)) == 1


def test_a_wrong_or_missing_code_is_refused_and_nothing_is_written(client, holder, account, organiser):
    from app.core.codes import new_card_code

    other_card = make_card_holder("Someone else")
    for typed in ("", "not a code", new_card_code(), _code(other_card)):
        response = _ask(client, organiser, holder, typed)
        assert response.status_code == 422
        assert "This is not the code of this person&#39;s card." in response.text
        assert 'value="oumou@example.org"' in response.text  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CardLinkRequest)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_the_code_field_is_never_filled_in(client, holder, organiser):
    sign_in_as(client, organiser)
    page = client.get(f"/desk/people/{holder.id}").text
    field = re.search(r'<input[^>]*name="card_code"[^>]*>', page).group(0)
    assert 'value=""' in field and holder.cards[0].code not in field


def test_a_revoked_card_code_is_refused(client, holder, account, organiser):
    old = _code(holder)
    sign_in_as(client, organiser)
    client.post(f"/desk/people/{holder.id}/reissue")
    assert _ask(client, organiser, holder, old).status_code == 422
    assert _ask(client, organiser, holder, _code(holder)).status_code == 303


def test_confirmed_without_the_box_moves_history_but_erases_desk_answers(client, holder, account, organiser):
    _ask(client, organiser, holder, _code(holder))
    link_request = _pending(account)
    sign_in_as(client, account)
    banner = client.get("/me/events").text
    assert "The information desk of Oujda asks to link a participant card to your account." in banner
    page = client.get(f"/me/card-links/{link_request.id}").text
    assert "1 registration for an event" in page and "1 recorded presence at a session" in page
    assert "Gender" in page and "Year of birth" in page
    assert "woman" not in page and "1994" not in page and "Oumou Sangaré" not in page  # no values
    response = client.post(f"/me/card-links/{link_request.id}/confirm", data={})
    assert response.status_code == 303
    cards, registrations, attendances, left = _where_things_are(holder.id)
    target = account.participant_id
    assert cards == registrations == attendances == [target]
    assert left == (None, None, None, None, None)  # erased from the card holder row with the link
    mine = db.session.get(Participant, target)
    assert (mine.gender, mine.birth_year, mine.origin, mine.country_code, mine.consent_at) == (None,) * 5
    assert "Attended" in client.get("/me/events").text
    # "Download my data" then holds no desk answers.
    exported = json.loads(client.post("/me/data/download").data)
    answers = exported["participation"]
    assert [answers[key] for key in ("gender", "birth_year", "origin", "country_of_origin")] == [None] * 4
    assert len(exported["registrations"]) == 1
    audit = db.session.scalar(sa.select(AuditEntry).filter_by(action="participant_card.linked"))
    assert audit.actor_id == account.id and audit.details["answers_moved"] is False


def test_confirmed_with_the_box_ticked_moves_the_answers(client, holder, account, organiser):
    _ask(client, organiser, holder, _code(holder))
    link_request = _pending(account)
    sign_in_as(client, account)
    response = client.post(f"/me/card-links/{link_request.id}/confirm", data={"move_answers": "y"})
    assert response.status_code == 303
    mine = db.session.get(Participant, account.participant_id)
    db.session.refresh(mine)
    assert (mine.gender, mine.birth_year, mine.origin, mine.country_code) == tuple(DESK_ANSWERS.values())
    assert mine.consent_at is not None and mine.consent_recorded_by_id == account.id
    assert _where_things_are(holder.id)[3] == (None,) * 5


def test_the_account_holders_own_answers_stay(client, holder, organiser):
    account = make_user("Oumou S.", email="oumou@example.org", consent_at=utcnow(), gender="prefer_not",
                        birth_year=1990)
    _ask(client, organiser, holder, _code(holder))
    sign_in_as(client, account)
    link_request = _pending(account)
    page = client.get(f"/me/card-links/{link_request.id}").text
    assert "Your account already holds your own answers" in page
    client.post(f"/me/card-links/{link_request.id}/confirm", data={"move_answers": "y"})
    mine = db.session.get(Participant, account.participant_id)
    db.session.refresh(mine)
    assert (mine.gender, mine.birth_year, mine.origin) == ("prefer_not", 1990, None)


def test_declined_or_expired_requests_change_nothing(client, holder, account, organiser):
    before = _where_things_are(holder.id)
    _ask(client, organiser, holder, _code(holder))
    sign_in_as(client, account)
    declined = _pending(account)
    assert client.post(f"/me/card-links/{declined.id}/decline").status_code == 303
    assert _where_things_are(holder.id) == before
    assert client.post(f"/me/card-links/{declined.id}/confirm").status_code == 404  # decided already
    _ask(client, organiser, holder, _code(holder))
    expired = _pending(account)
    expired.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    sign_in_as(client, account)
    assert client.get(f"/me/card-links/{expired.id}").status_code == 404
    assert client.post(f"/me/card-links/{expired.id}/confirm").status_code == 404
    assert "asks to link a participant card" not in client.get("/me/events").text
    assert _where_things_are(holder.id) == before
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert "participant_card.link_declined" in actions and "participant_card.linked" not in actions


def test_only_the_account_holder_may_answer(client, holder, account, organiser):
    _ask(client, organiser, holder, _code(holder))
    link_request = _pending(account)
    before = _where_things_are(holder.id)
    for someone in (make_user("Someone else"), organiser):
        sign_in_as(client, someone)
        assert client.get(f"/me/card-links/{link_request.id}").status_code == 404
        confirm = client.post(f"/me/card-links/{link_request.id}/confirm", data={"move_answers": "y"})
        assert confirm.status_code == 404
        assert client.post(f"/me/card-links/{link_request.id}/decline").status_code == 404
    assert _where_things_are(holder.id) == before
    assert _pending(account) is not None


def test_one_pending_request_per_card(client, holder, account, organiser):
    other = make_user("Typo", email="oumuo@example.org")
    _ask(client, organiser, holder, _code(holder), "oumuo@example.org")  # mistyped address
    _ask(client, organiser, holder, _code(holder), "oumou@example.org")
    assert _pending(other) is None and _pending(account) is not None
    sign_in_as(client, other)
    assert "asks to link a participant card" not in client.get("/me/events").text


def test_both_registered_for_one_event_is_refused_at_confirmation(client, holder, account, organiser):
    from app.events.models import Event

    event = db.session.get(Event, db.session.scalar(sa.select(Registration.event_id)))
    make_registration(event, account.participant)
    _ask(client, organiser, holder, _code(holder))
    link_request = _pending(account)
    before = _where_things_are(holder.id)
    sign_in_as(client, account)
    response = client.post(f"/me/card-links/{link_request.id}/confirm", follow_redirects=True)
    assert "This account and this card are both registered for the same event." in response.text
    assert _where_things_are(holder.id) == before
    assert _pending(account) is not None  # still waiting: cancel one registration, then confirm


def test_a_pending_request_is_in_the_account_holders_data_and_goes_with_an_erasure(
    client, holder, account, organiser
):
    from app.events.services import request_card_link
    from app.privacy.personal_data import erase_participant, personal_data

    request_id = request_card_link(organiser, holder.id, _code(holder), "oumou@example.org").id
    from flask import current_app

    with current_app.test_request_context():
        exported = personal_data(account, "en")["card_link_requests"]
    assert [entry["status"] for entry in exported] == ["pending"]
    assert "Oumou Sangaré" not in json.dumps(exported)  # the card holder's side is not the account's
    erase_participant(db.session.get(Participant, account.participant_id), utcnow())
    db.session.commit()
    assert db.session.get(CardLinkRequest, request_id) is None
    # And from the card holder's side: erasing the card holder removes a request waiting for them.
    make_user("Someone", email="someone@example.org")
    request_id = request_card_link(organiser, holder.id, _code(holder), "someone@example.org").id
    erase_participant(db.session.get(Participant, holder.id), utcnow())
    db.session.commit()
    assert db.session.get(CardLinkRequest, request_id) is None
