"""A group proposal's member is in their own data: the card holder's data page at the desk and the
account holder's download list the group proposals they were recorded in (nobody else's)."""

from app.events.services.card_links import confirm_card_link, request_card_link
from app.events.services.desk import create_card_holder
from app.extensions import db
from app.privacy.personal_data import personal_data
from app.proposals.services import Assistance, ProposalData, submit_proposal
from tests.conftest import sign_in_as
from tests.factories import make_call, make_organiser, make_user


def _group_with(organiser, call, *cards):
    text = ProposalData("Jardin partagé", "Un jardin partagé derrière l'école, pour les familles.",
                        call.categories[0].id)
    codes = "\n".join(card.code for card in cards)
    assistance = Assistance("group", organiser, None, False, "Voisines", codes, 4)
    return submit_proposal(call, None, text, assistance)


def test_the_desk_data_page_lists_the_groups_a_card_holder_was_recorded_in(client, oujda):
    organiser = make_organiser(oujda)
    card = create_card_holder(organiser, oujda.id, "Oumou")
    _group_with(organiser, make_call(oujda, phase="submission"), card)
    sign_in_as(client, organiser)
    page = client.post(f"/desk/people/{card.participant_id}/data", data={"code": card.code, "language": "en"})
    assert page.status_code == 200 and "Jardin partagé" in page.text


def test_the_download_holds_the_group_memberships(client, oujda):
    organiser = make_organiser(oujda)
    resident = make_user("Aminata")
    card = create_card_holder(organiser, oujda.id, "Aminata")
    other = create_card_holder(organiser, oujda.id, "Someone else")
    link_request = request_card_link(organiser, card.participant_id, card.code, resident.email)
    confirm_card_link(resident, link_request.id, move_answers=False)
    call = make_call(oujda, phase="submission")
    mine = _group_with(organiser, call, card, other)
    _group_with(organiser, call, other)
    db.session.refresh(resident)
    data = personal_data(resident, "en")
    assert [(m["proposal_id"], m["group_name"]) for m in data["group_memberships"]] == [(mine.id, "Voisines")]
