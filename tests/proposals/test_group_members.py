"""A group proposal entered at the desk records its members: the card holders whose codes the
organiser types (cards the desk really printed), and how many came without a card. Only people of
the organiser's municipalities; a code typed twice, or the card of the person who brought it, counts
once; members are never shown by name, only the group's size."""

import sqlalchemy as sa

from app.events.services.desk import create_card_holder
from app.extensions import db
from app.proposals.models import Proposal, ProposalMember
from tests.conftest import sign_in_as
from tests.factories import make_call, make_organiser
from tests.query_count import count_queries


def _form(call, **fields) -> dict:
    return {
        "channel": "group",
        "group_name": "Femmes de Lazaret",
        "title": "Atelier couture",
        "description": "Un atelier de couture pour les voisines, deux soirs par semaine au centre.",
        "category_id": call.categories[0].id,
        **fields,
    }


def _nothing_written() -> bool:
    return db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0 and (
        db.session.scalar(sa.select(sa.func.count()).select_from(ProposalMember)) == 0
    )


def _desk(oujda):
    call = make_call(oujda, phase="submission")
    organiser = make_organiser(oujda)
    cards = {name: create_card_holder(organiser, oujda.id, name) for name in ("Fatou", "Aïcha", "Khadija")}
    return call, organiser, cards


def test_a_group_records_its_members_each_once_and_shows_only_its_size(client, oujda):
    call, organiser, cards = _desk(oujda)
    sign_in_as(client, organiser)
    # Khadija's code typed twice (once as heard), Fatou's own card among the members.
    typed = "\n".join([
        cards["Aïcha"].code,
        cards["Khadija"].code,
        cards["Khadija"].code.replace("-", " ").lower(),
        cards["Fatou"].code,
    ])
    response = client.post(f"/calls/{call.id}/assisted", data=_form(
        call, card_code=cards["Fatou"].code, consent="y", member_codes=typed, members_without_card="7"))
    assert response.status_code == 303
    proposal = db.session.scalar(sa.select(Proposal))
    members = set(db.session.scalars(sa.select(ProposalMember.participant_id)))
    assert members == {cards["Aïcha"].participant_id, cards["Khadija"].participant_id}
    assert proposal.participant_id == cards["Fatou"].participant_id and proposal.members_without_card == 7
    client.get("/logout")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "a group of 10 people" in page  # Fatou, Aïcha, Khadija and 7 without a card
    for name in ("Aïcha", "Khadija", "Fatou"):
        assert name not in page


def test_without_htmx_an_unknown_code_is_refused_with_the_typed_values_kept(client, oujda):
    call, organiser, cards = _desk(oujda)
    sign_in_as(client, organiser)
    typed = f"{cards['Aïcha'].code}, K7MW-4QXA"
    response = client.post(f"/calls/{call.id}/assisted", data=_form(
        call, member_codes=typed, members_without_card="3"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "No active participant card has the code “K7MW-4QXA”." in html
    assert f"{cards['Aïcha'].code}, K7MW-4QXA</textarea>" in html and 'value="3"' in html
    assert 'value="Atelier couture"' in html and "<html" in html
    assert _nothing_written()


def test_with_htmx_the_form_alone_comes_back_with_its_message(client, oujda):
    call, organiser, _cards = _desk(oujda)
    sign_in_as(client, organiser)
    headers = {"HX-Request": "true"}
    response = client.post(f"/calls/{call.id}/assisted", headers=headers, data=_form(
        call, member_codes="not a code"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith('<div id="proposal-form">') and "<html" not in html
    assert "“not a code” is not a participant card code" in html and "not a code</textarea>" in html
    assert _nothing_written()


def test_with_htmx_a_recorded_group_sends_the_desk_to_its_page(client, oujda):
    call, organiser, cards = _desk(oujda)
    sign_in_as(client, organiser)
    response = client.post(f"/calls/{call.id}/assisted", headers={"HX-Request": "true"}, data=_form(
        call, member_codes=cards["Aïcha"].code, members_without_card="2"))
    proposal = db.session.scalar(sa.select(Proposal))
    assert response.status_code == 200 and response.headers["HX-Redirect"] == f"/en/proposals/{proposal.id}"
    assert db.session.scalar(sa.select(ProposalMember.participant_id)) == cards["Aïcha"].participant_id
    page = client.get(response.headers["HX-Redirect"]).get_data(as_text=True)
    assert "a group of 3 people" in page and "The proposal is recorded." in page


def test_a_card_of_another_municipality_is_refused_naming_nobody(client, oujda, la_marsa):
    call, organiser, cards = _desk(oujda)
    elsewhere = create_card_holder(make_organiser(la_marsa), la_marsa.id, "Mariam Ben Salah")
    sign_in_as(client, organiser)
    typed = f"{cards['Aïcha'].code}\n{elsewhere.code}"
    response = client.post(f"/calls/{call.id}/assisted", data=_form(call, member_codes=typed))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"No active participant card has the code “{elsewhere.code}”." in html  # as if unknown
    assert "Mariam" not in html and f"{elsewhere.code}</textarea>" in html
    assert _nothing_written()


def test_members_belong_to_a_group_proposal_only(client, oujda):
    call, organiser, cards = _desk(oujda)
    sign_in_as(client, organiser)
    response = client.post(f"/calls/{call.id}/assisted", data=_form(
        call, channel="paper", member_codes=cards["Aïcha"].code))
    assert response.status_code == 422
    assert "Members are recorded only for a group at an event." in response.get_data(as_text=True)
    response = client.post(f"/calls/{call.id}/assisted", data=_form(call, members_without_card="-2"))
    assert response.status_code == 422
    assert "Give a number between 0 and 500." in response.get_data(as_text=True)
    assert _nothing_written()


def test_the_messages_are_translated(client, oujda, la_marsa):
    call, organiser, _cards = _desk(oujda)
    elsewhere = create_card_holder(make_organiser(la_marsa), la_marsa.id, "Mariam")
    sign_in_as(client, organiser)
    for language, unknown, other in (
        ("fr", "Aucune carte de participant active n&#39;a le code « K7MW-4QXA »",
         f"Aucune carte de participant active n&#39;a le code « {elsewhere.code} »"),
        ("ar", "لا توجد بطاقة مشارك سارية بالرمز", f"لا توجد بطاقة مشارك سارية بالرمز «{elsewhere.code}»"),
    ):
        html = client.post(f"/{language}/calls/{call.id}/assisted", data=_form(
            call, member_codes="K7MW-4QXA")).get_data(as_text=True)
        assert unknown in html
        html = client.post(f"/{language}/calls/{call.id}/assisted", data=_form(
            call, member_codes=elsewhere.code)).get_data(as_text=True)
        assert other in html
    assert _nothing_written()


def test_an_organiser_of_another_municipality_cannot_enter_a_group_here(client, oujda, la_marsa):
    call, _organiser, cards = _desk(oujda)
    sign_in_as(client, make_organiser(la_marsa))
    response = client.post(f"/calls/{call.id}/assisted", data=_form(
        call, member_codes=cards["Aïcha"].code, members_without_card="4"))
    assert response.status_code == 403
    assert "Aïcha" not in response.get_data(as_text=True)
    assert _nothing_written()


def test_the_group_size_costs_the_proposal_page_no_query(client, oujda):
    """The size is counted in the statement that loads the proposal: a group of 3 members and a paper
    form run as many queries."""
    call, organiser, cards = _desk(oujda)
    sign_in_as(client, organiser)
    codes = "\n".join(card.code for card in cards.values())
    client.post(f"/calls/{call.id}/assisted", data=_form(call, member_codes=codes, members_without_card="5"))
    client.post(f"/calls/{call.id}/assisted", data=_form(call, channel="paper", group_name=""))
    group, paper = db.session.scalars(sa.select(Proposal.id).order_by(Proposal.id)).all()
    client.get("/logout")
    db.session.expunge_all()  # as a fresh request finds them: nothing already loaded
    counts, pages = [], []
    for proposal_id in (group, paper):
        with count_queries() as queries:
            pages.append(client.get(f"/en/proposals/{proposal_id}").get_data(as_text=True))
        counts.append(len(queries))
    assert "a group of 8 people" in pages[0] and "a group of" not in pages[1]
    assert counts[0] == counts[1]
