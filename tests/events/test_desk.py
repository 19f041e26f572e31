"""The information desk: cards for people without email or phone, consent, reissue, linking."""

import re

import sqlalchemy as sa

from app.accounts.models import Participant, ParticipantCard
from app.core.codes import ALPHABET, normalise_code
from app.events.models import CardLinkRequest, Registration
from app.extensions import db
from tests.conftest import sign_in_as
from tests.factories import make_attendance, make_card_holder, make_event, make_registration, make_user


def card_holders() -> list[Participant]:
    return list(db.session.scalars(sa.select(Participant).where(Participant.cards.any())))


def test_create_a_card_holder_with_consented_data(client, organiser):
    sign_in_as(client, organiser)
    response = client.post(
        "/desk/people",
        data={
            "display_name": "Mamadou",
            "phone": "0612 34 56 78",
            "gender": "man",
            "birth_year": "1998",
            "origin": "migrant",
            "country_code": "GN",
            "consent": "y",
        },
    )
    assert response.status_code == 303
    [holder] = card_holders()
    assert holder.phone == "0612 34 56 78" and holder.country_code == "GN"
    assert holder.consent_at is not None and holder.consent_recorded_by_id == organiser.id
    card = holder.cards[0]
    assert re.fullmatch(rf"[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}", card.code)
    printed = client.get(f"/desk/people/{holder.id}/card")
    assert card.code in printed.text and "<svg" in printed.text
    assert printed.headers["Cache-Control"] == "no-store"


def test_the_qr_carries_only_the_code(organiser):
    import segno

    from app.core.qr import qr_svg

    svg = str(qr_svg("K7MW-4QXA", "QR"))
    assert "Mamadou" not in svg
    # The same matrix as a QR made from the code alone: nothing else is encoded.
    assert (
        svg.split("<path")[1]
        == segno.make("K7MW-4QXA", error="m", micro=False)
        .svg_inline(scale=6, border=2, dark="#000", light="#fff", title="QR", svgclass="qr", omitsize=True)
        .split("<path")[1]
    )


def test_participation_data_without_consent_is_refused(client, organiser):
    sign_in_as(client, organiser)
    response = client.post("/desk/people", data={"display_name": "Mamadou", "origin": "migrant"})
    assert response.status_code == 422
    assert "Participation data can only be kept when the person agrees" in response.text
    assert 'value="Mamadou"' in response.text
    assert card_holders() == []


def test_a_name_is_needed(client, organiser):
    sign_in_as(client, organiser)
    response = client.post("/desk/people", data={"display_name": "  "})
    assert response.status_code == 422 and "Give a name or a nickname." in response.text
    assert card_holders() == []


def test_only_a_name_is_enough_and_no_data_is_kept(client, organiser):
    sign_in_as(client, organiser)
    client.post("/desk/people", data={"display_name": "Tonton"})
    [holder] = card_holders()
    assert holder.consent_at is None and holder.gender is None and holder.phone is None


def test_search_card_holders(client, organiser):
    awa = make_card_holder("Awa")
    make_card_holder("Binta")
    sign_in_as(client, organiser)
    # "bin": B and I are not in the card codes' alphabet, so no random code can match it too.
    by_name = client.get("/desk?q=bin").text
    assert "Binta" in by_name and "Awa" not in by_name
    by_code = client.get("/desk", query_string={"q": awa.cards[0].code}).text
    assert "Awa" in by_code and "Binta" not in by_code
    for wildcard in ("%", "_"):  # typed letters, not LIKE wildcards
        listed = client.get("/desk", query_string={"q": wildcard}).text
        assert "Awa" not in listed and "Binta" not in listed


def test_reissue_revokes_the_old_code(client, organiser):
    holder = make_card_holder("Awa")
    old = holder.cards[0].code
    sign_in_as(client, organiser)
    assert client.post(f"/desk/people/{holder.id}/reissue").status_code == 303
    cards = list(db.session.scalars(sa.select(ParticipantCard).order_by(ParticipantCard.id)))
    assert [c.is_active for c in cards] == [False, True]
    assert cards[0].code == old and cards[0].revoked_at is not None and cards[1].code != old


def test_register_a_card_holder_only_for_own_events(client, organiser, oujda, la_marsa):
    holder = make_card_holder("Awa")
    mine = make_event(oujda, title="Atelier Oujda", capacity=1)
    theirs = make_event(la_marsa, title="Atelier La Marsa")
    sign_in_as(client, organiser)
    page = client.get(f"/desk/people/{holder.id}").text
    assert "Atelier Oujda" in page and "Atelier La Marsa" not in page
    response = client.post(f"/desk/people/{holder.id}/register", data={"event_id": theirs.id})
    assert "Choose one of the events you organise." in client.get(response.headers["Location"]).text
    response = client.post(f"/desk/people/{holder.id}/register", data={"event_id": mine.id})
    assert "Registered: the card is the ticket." in client.get(response.headers["Location"]).text
    response = client.post(f"/desk/people/{holder.id}/register", data={"event_id": mine.id})
    assert "You are already registered for this event." in client.get(response.headers["Location"]).text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1


def test_link_a_card_to_an_account_moves_history(client, organiser, oujda):
    from app.core.time import utcnow

    holder = make_card_holder("Awa", phone="0600000000", gender="woman", consent_at=utcnow())
    event = make_event(oujda)
    registration = make_registration(event, holder)
    make_attendance(event.sessions[0], holder)
    account = make_user("Awa Diallo", email="awa@example.org")
    code = holder.cards[0].code
    sign_in_as(client, organiser)
    link = {"card_code": code, "account": "AWA@example.org"}
    response = client.post(f"/desk/people/{holder.id}/link", data=link)
    assert response.status_code == 303
    sign_in_as(client, account)
    request_id = db.session.scalar(sa.select(CardLinkRequest.id))
    assert client.post(f"/me/card-links/{request_id}/confirm", data={"move_answers": "y"}).status_code == 303
    assert db.session.get(Registration, registration.id).participant_id == account.participant_id
    card = db.session.scalar(sa.select(ParticipantCard))
    assert card.participant_id == account.participant_id
    assert db.session.get(Participant, account.participant_id).gender == "woman"  # consented twice: moves
    left = db.session.get(Participant, holder.id)
    assert (left.phone, left.gender, left.consent_at) == (None, None, None)
    assert "Attended" in client.get("/me/events").text


def test_linking_twice_booked_is_refused_and_an_unknown_account_is_not_named(client, organiser, oujda):
    holder = make_card_holder("Awa")
    event = make_event(oujda)
    account = make_user("Awa Diallo", email="awa@example.org")
    make_registration(event, holder)
    make_registration(event, account.participant)
    code = holder.cards[0].code
    sign_in_as(client, organiser)
    unknown = {"card_code": code, "account": "nobody@example.org"}
    response = client.post(f"/desk/people/{holder.id}/link", data=unknown)
    assert response.status_code == 303  # the same answer as for a known account: nothing is named
    client.post(f"/desk/people/{holder.id}/link", data={"card_code": code, "account": "awa@example.org"})
    sign_in_as(client, account)
    request_id = db.session.scalar(sa.select(CardLinkRequest.id))
    response = client.post(f"/me/card-links/{request_id}/confirm", follow_redirects=True)
    assert "This account and this card are both registered for the same event." in response.text
    assert db.session.scalar(sa.select(ParticipantCard.participant_id)) == holder.id


def test_codes_are_read_aloud_safely():
    assert not set("0O1IL5S2Z") & set(ALPHABET)
    assert normalise_code("k7m 4qx") == "K7M-4QX"
    assert normalise_code("K7MW4QXA") == "K7MW-4QXA"
    assert normalise_code("K0M-4QX") is None and normalise_code("hello") is None
