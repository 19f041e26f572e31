"""The desk's municipality boundaries: a card holder is served by the organisers of the municipality
whose desk issued the card, of the municipalities where they registered or took part, and of any
municipality sharing a programme with those. Everyone else gets a 404 that names nobody, and
nothing is written."""

import pytest
import sqlalchemy as sa

from app.accounts.models import ParticipantCard
from app.events.models import Registration
from app.extensions import db
from tests.conftest import sign_in_as
from tests.factories import (
    make_attendance,
    make_card_holder,
    make_event,
    make_organiser,
    make_programme,
    make_registration,
    make_user,
)


@pytest.fixture
def oujda_holder(oujda):
    return make_card_holder("Oumou Sangaré", municipality=oujda, phone="0611223344")


@pytest.fixture
def marsa_organiser(la_marsa):
    return make_organiser(la_marsa, display_name="Organiser La Marsa")


def _code(holder) -> str:
    return db.session.scalar(sa.select(ParticipantCard.code).filter_by(participant_id=holder.id))


def _snapshot():
    cards = db.session.execute(
        sa.select(ParticipantCard.code, ParticipantCard.is_active, ParticipantCard.participant_id)
    )
    registrations = db.session.execute(sa.select(Registration.participant_id, Registration.event_id))
    return sorted(cards), sorted(registrations)


def test_another_desk_neither_lists_nor_finds_the_card_holder(client, oujda_holder, marsa_organiser):
    code = _code(oujda_holder)
    sign_in_as(client, marsa_organiser)
    for query in ("", "?q=Oumou", f"?q={code}", "?q=0611"):
        page = client.get(f"/desk{query}").text
        assert "Sangaré" not in page and f"/desk/people/{oujda_holder.id}" not in page  # the query echoes
        assert "Nobody found." in page
    assert code not in client.get("/desk").text


def test_another_desk_cannot_open_reissue_register_or_link(client, oujda_holder, marsa_organiser, la_marsa):
    marsa_event = make_event(la_marsa, title="Atelier La Marsa")
    account = make_user("Someone", email="someone@example.org")
    before = _snapshot()
    sign_in_as(client, marsa_organiser)
    base = f"/desk/people/{oujda_holder.id}"
    answers = [
        client.get(base),
        client.get(f"{base}/card"),
        client.post(f"{base}/reissue"),
        client.post(f"{base}/register", data={"event_id": marsa_event.id}),
        client.post(f"{base}/link", data={"account": "someone@example.org"}),
    ]
    for answer in answers:
        assert answer.status_code == 404
        assert "Oumou" not in answer.text and _code(oujda_holder) not in answer.text
    assert _snapshot() == before  # the card still works, nobody registered, nothing moved
    assert account.participant_id != db.session.scalar(
        sa.select(ParticipantCard.participant_id).filter_by(code=_code(oujda_holder))
    )


def test_the_issuing_desk_serves_the_card_holder(client, oujda_holder, organiser):
    sign_in_as(client, organiser)
    assert "Oumou" in client.get("/desk?q=Oumou").text
    assert client.get(f"/desk/people/{oujda_holder.id}").status_code == 200


def test_registering_or_taking_part_elsewhere_lets_that_desk_serve(client, oujda, la_marsa, marsa_organiser):
    registered = make_card_holder("Awa", municipality=oujda)
    attended = make_card_holder("Koffi", municipality=oujda)
    marsa_event = make_event(la_marsa, title="Atelier La Marsa")
    make_registration(marsa_event, registered)
    make_attendance(marsa_event.sessions[0], attended)
    sign_in_as(client, marsa_organiser)
    listed = client.get("/desk").text
    assert "Awa" in listed and "Koffi" in listed
    assert client.get(f"/desk/people/{registered.id}").status_code == 200
    assert client.get(f"/desk/people/{attended.id}").status_code == 200


def test_a_programme_covering_both_municipalities_shares_its_desks(client, oujda, la_marsa, oujda_holder,
                                                                   marsa_organiser):
    raoued_programme_only = make_programme([la_marsa], name="I-MIGR")
    sign_in_as(client, marsa_organiser)
    assert client.get(f"/desk/people/{oujda_holder.id}").status_code == 404
    raoued_programme_only.municipalities.append(oujda)
    db.session.commit()
    assert client.get(f"/desk/people/{oujda_holder.id}").status_code == 200


def test_a_reviewer_or_resident_never_reaches_the_desk(client, oujda, oujda_holder):
    from tests.factories import make_reviewer

    for person in (make_reviewer(oujda), make_user("Resident")):
        sign_in_as(client, person)
        assert client.get(f"/desk/people/{oujda_holder.id}").status_code == 403
        assert client.get("/desk").status_code == 403


def test_a_card_is_issued_for_one_of_the_organisers_municipalities(client, oujda, la_marsa, organiser):
    sign_in_as(client, organiser)
    page = client.get("/desk").text
    assert "Oujda" in page and "La Marsa" not in page  # the only desk is chosen already
    response = client.post("/desk/people", data={"display_name": "Moussa", "municipality_id": la_marsa.id})
    assert response.status_code == 422
    assert "Choose one of the municipalities you organise for." in response.text
    assert 'value="Moussa"' in response.text  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ParticipantCard)) == 0
    response = client.post("/desk/people", data={"display_name": "Moussa"})
    assert response.status_code == 303
    assert db.session.scalar(sa.select(ParticipantCard.municipality_id)) == oujda.id


def test_an_organiser_of_two_municipalities_chooses_the_desk(client, oujda, la_marsa):
    from app.accounts.models import Role
    from tests.factories.accounts import make_user as user_with_roles

    both = user_with_roles("Salma", roles=[(Role.ORGANISER, oujda), (Role.ORGANISER, la_marsa)])
    sign_in_as(client, both)
    response = client.post("/desk/people", data={"display_name": "Moussa"})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ParticipantCard)) == 0
    response = client.post("/desk/people", data={"display_name": "Moussa", "municipality_id": la_marsa.id})
    assert response.status_code == 303
    assert db.session.scalar(sa.select(ParticipantCard.municipality_id)) == la_marsa.id


def test_a_reissued_card_stays_with_its_desk(client, oujda_holder, organiser, oujda):
    sign_in_as(client, organiser)
    client.post(f"/desk/people/{oujda_holder.id}/reissue")
    municipalities = db.session.scalars(
        sa.select(ParticipantCard.municipality_id).filter_by(participant_id=oujda_holder.id)
    ).all()
    assert municipalities == [oujda.id, oujda.id]


def test_the_desk_shows_only_the_end_of_a_card_code(client, oujda_holder, organiser):
    """Linking a card and opening the person's data ask for the whole code, read from the card in
    the person's hands: the desk's own pages must not hand it over."""
    code = _code(oujda_holder)
    sign_in_as(client, organiser)
    for page in (client.get("/desk").text, client.get(f"/desk/people/{oujda_holder.id}").text):
        assert code not in page and f"••••-{code[-4:]}" in page
    assert "Oumou" in client.get(f"/desk?q={code}").text  # a code typed in full still finds its holder
