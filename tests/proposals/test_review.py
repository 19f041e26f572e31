"""The municipality's review queue, public answers, history by role, days waiting, results, assisted entry."""

from datetime import timedelta

import sqlalchemy as sa

from app.accounts.models import ParticipantCard
from app.core.models import AuditEntry
from app.core.time import utcnow
from app.events.services.card_links import confirm_card_link, request_card_link
from app.events.services.desk import create_card_holder
from app.extensions import db
from app.proposals.models import Proposal, ProposalStatus, ProposalStatusChange
from tests.conftest import sign_in_as
from tests.factories import make_call, make_organiser, make_proposal, make_reviewer, make_support, make_user


def test_reviewer_answers_publicly_without_their_name(client, oujda, reviewer, resident):
    call = make_call(oujda, phase="review")
    proposal = make_proposal(call, resident)
    sign_in_as(client, reviewer)
    response = client.post(
        f"/manage/proposals/{proposal.id}/answer",
        data={"status": "accepted", "answer_text_fr": "Le jardin sera créé au printemps."},
    )
    assert response.status_code == 303
    saved = db.session.get(Proposal, proposal.id)
    assert saved.status == ProposalStatus.ACCEPTED and saved.first_answered_at is not None
    change = db.session.scalar(sa.select(ProposalStatusChange))
    assert change.changed_by_role == "reviewer" and change.changed_by_id == reviewer.id
    assert db.session.scalar(sa.select(AuditEntry.action)) == "proposal.answered"
    client.post("/sign-out")
    with client.session_transaction() as session:
        session.clear()
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Le jardin sera créé au printemps." in page and "The municipality" in page
    assert "Karim Reviewer" not in page
    sign_in_as(client, resident)
    mine = client.get("/me/proposals")
    assert "Le jardin sera créé au printemps." in mine.get_data(as_text=True)
    assert mine.headers["Cache-Control"] == "no-store"


def test_rejection_needs_a_reason(client, oujda, reviewer):
    proposal = make_proposal(make_call(oujda, phase="review"), make_user())
    sign_in_as(client, reviewer)
    response = client.post(
        f"/manage/proposals/{proposal.id}/answer", data={"status": "rejected", "answer_text_fr": ""}
    )
    assert response.status_code == 422
    assert "Say why the proposal is rejected: the reason is public." in response.get_data(as_text=True)
    assert db.session.get(Proposal, proposal.id).status == ProposalStatus.SUBMITTED
    assert db.session.scalar(sa.select(sa.func.count(ProposalStatusChange.id))) == 0


def test_answering_before_the_review_phase_is_refused(client, oujda, reviewer):
    proposal = make_proposal(make_call(oujda, phase="support"), make_user())
    sign_in_as(client, reviewer)
    response = client.post(f"/manage/proposals/{proposal.id}/answer", data={"status": "accepted"})
    assert response.status_code == 422
    assert "Proposals are answered once the review phase has started." in response.get_data(as_text=True)
    assert db.session.get(Proposal, proposal.id).status == ProposalStatus.SUBMITTED


def test_reviewer_of_another_municipality_is_refused(client, oujda, la_marsa):
    proposal = make_proposal(make_call(oujda, phase="review"), make_user())
    sign_in_as(client, make_reviewer(la_marsa))
    response = client.post(
        f"/manage/proposals/{proposal.id}/answer", data={"status": "accepted", "answer_text_fr": "ok"}
    )
    assert response.status_code == 403
    assert "You do not have permission to see this page." in response.get_data(as_text=True)
    assert db.session.get(Proposal, proposal.id).status == ProposalStatus.SUBMITTED
    assert client.get(f"/manage/calls/{proposal.call_id}/review").status_code == 403


def test_html_in_the_answer_is_shown_as_text(client, oujda, reviewer):
    proposal = make_proposal(make_call(oujda, phase="review"), make_user())
    sign_in_as(client, reviewer)
    client.post(
        f"/manage/proposals/{proposal.id}/answer",
        data={"status": "under_study", "answer_text_fr": "<img src=x onerror=alert(1)>"},
    )
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_queue_filters_sorts_shows_channel_and_days_waiting(client, oujda, reviewer):
    call = make_call(oujda, phase="review")
    popular = make_proposal(call, make_user(), title="Populaire")
    for _ in range(3):
        make_support(popular, make_user())
    make_proposal(call, None, title="Sur papier", channel="paper")
    make_proposal(call, make_user(), title="Rejetée", status=ProposalStatus.REJECTED)
    sign_in_as(client, reviewer)
    page = client.get(f"/manage/calls/{call.id}/review").get_data(as_text=True)
    assert page.index("Populaire") < page.index("Sur papier")
    assert "Paper form" in page and "Waiting for an answer for 1 day" in page
    only_popular = client.get(f"/manage/calls/{call.id}/review?min_supports=2").get_data(as_text=True)
    assert "Populaire" in only_popular and "Sur papier" not in only_popular
    rejected = client.get(f"/manage/calls/{call.id}/review?status=rejected&sort=bogus").get_data(as_text=True)
    assert "Rejetée" in rejected and "Populaire" not in rejected
    fragment = client.get(f"/manage/calls/{call.id}/review", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True) and fragment.headers["Cache-Control"] == "no-store"


def test_days_waiting_on_the_public_page_only_once_review_started(client, oujda):
    review = make_proposal(make_call(oujda, phase="review"), make_user())
    support = make_proposal(make_call(oujda, phase="support"), make_user())
    assert "Waiting for an answer for 1 day" in client.get(f"/proposals/{review.id}").get_data(as_text=True)
    assert "Waiting for an answer" not in client.get(f"/proposals/{support.id}").get_data(as_text=True)


def test_results_summary_counts_in_sql(client, oujda, reviewer):
    call = make_call(oujda, phase="results")
    opened = call.review_opens_at
    answered = [(ProposalStatus.ACCEPTED, 2), (ProposalStatus.DONE, 4), (ProposalStatus.REJECTED, 9)]
    for status, days in answered:
        proposal = make_proposal(
            call, make_user(), status=status, first_answered_at=opened + timedelta(days=days)
        )
        make_support(proposal, make_user())
    make_proposal(call, None, channel="paper")
    make_proposal(call, None, channel="group", group_name="Femmes du Lazaret")
    make_proposal(
        call,
        make_user(),
        is_hidden=True,
        status=ProposalStatus.ACCEPTED,
        first_answered_at=opened + timedelta(days=50),
    )
    page = client.get(f"/calls/{call.id}/results").get_data(as_text=True)
    from app.proposals.queries import results_summary

    summary = results_summary(call)
    assert (summary.submitted, summary.supported, summary.answered, summary.accepted) == (5, 3, 3, 2)
    assert dict(summary.by_channel) == {"online": 3, "assisted": 0, "paper": 1, "group": 1}
    assert round(summary.median_days, 3) == 4 and round(summary.longest_days, 3) == 9
    assert "Proposals accepted" in page and "Group at an event" in page


def test_assisted_entry_with_a_card_and_consent(client, oujda, resident):
    """The card is one the desk really prints ("K7MW-4QXA"), linked to the resident's account (asked
    at the desk, confirmed by the resident); the organiser types its code as printed."""
    call = make_call(oujda, phase="submission")
    organiser = make_organiser(oujda)
    card = create_card_holder(organiser, oujda.id, "Fatou")
    link_request = request_card_link(organiser, card.participant_id, card.code, resident.email)
    confirm_card_link(resident, link_request.id, move_answers=False)
    code = db.session.scalar(sa.select(ParticipantCard.code).where(ParticipantCard.is_active))
    sign_in_as(client, organiser)
    data = {
        "channel": "paper",
        "card_code": code,
        "title": "Cours de darija",
        "description": "Des cours de darija pour les nouveaux arrivants, le soir au centre.",
        "category_id": call.categories[1].id,
        "place": "Centre social",
    }
    response = client.post(f"/calls/{call.id}/assisted", data=data)
    assert response.status_code == 422
    assert "Link the card only when the person agrees" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0
    response = client.post(f"/calls/{call.id}/assisted", data={**data, "consent": "y"})
    assert response.status_code == 303
    proposal = db.session.scalar(sa.select(Proposal))
    assert proposal.channel == "paper" and proposal.entered_by_id == organiser.id
    assert proposal.participant_id == resident.participant_id and proposal.author_id == resident.id
    assert proposal.history[0].changed_by_role == "organiser"
    sign_in_as(client, resident)
    assert "Cours de darija" in client.get("/me/proposals").get_data(as_text=True)


def test_assisted_entry_reads_a_card_code_as_it_is_heard(client, oujda):
    call = make_call(oujda, phase="submission")
    organiser = make_organiser(oujda)
    card = create_card_holder(organiser, oujda.id, "Moussa")
    heard = card.code.replace("-", " ").lower()  # "k7mw 4qxa"
    sign_in_as(client, organiser)
    response = client.post(
        f"/calls/{call.id}/assisted",
        data={
            "channel": "assisted",
            "card_code": heard,
            "consent": "y",
            "title": "Bibliothèque de rue",
            "description": "Une bibliothèque de rue pour les enfants du quartier, ouverte le samedi.",
            "category_id": call.categories[0].id,
        },
    )
    assert response.status_code == 303
    assert db.session.scalar(sa.select(Proposal.participant_id)) == card.participant_id


def test_a_card_of_another_municipality_is_answered_like_an_unknown_code(client, oujda, la_marsa):
    """La Marsa's desk printed the card; Oujda's organiser entering a proposal with its code learns
    nothing of it, and nothing is written."""
    call = make_call(oujda, phase="submission")
    elsewhere = create_card_holder(make_organiser(la_marsa), la_marsa.id, "Mariam Ben Salah")
    sign_in_as(client, make_organiser(oujda))
    response = client.post(f"/calls/{call.id}/assisted", data={
        "channel": "assisted", "card_code": elsewhere.code, "consent": "y",
        "title": "Bibliothèque de rue",
        "description": "Une bibliothèque de rue pour les enfants du quartier, ouverte le samedi.",
        "category_id": call.categories[0].id,
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "No active participant card has this code." in html and "Mariam" not in html
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0


def test_assisted_group_needs_its_name_and_unknown_cards_are_refused(client, oujda):
    call = make_call(oujda, phase="submission")
    sign_in_as(client, make_organiser(oujda))
    data = {
        "channel": "group",
        "title": "Fête des voisins",
        "description": "Une fête des voisins avec les familles du quartier et les nouveaux arrivants.",
        "category_id": call.categories[0].id,
    }
    response = client.post(f"/calls/{call.id}/assisted", data=data)
    assert "Give the name of the group." in response.get_data(as_text=True)
    response = client.post(
        f"/calls/{call.id}/assisted",
        data={**data, "group_name": "Atelier", "card_code": "NOPE", "consent": "y"},
    )
    assert "No active participant card has this code." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0
    response = client.post(f"/calls/{call.id}/assisted", data={**data, "group_name": "Atelier du 12 mai"})
    assert response.status_code == 303
    assert db.session.scalar(sa.select(Proposal.group_name)) == "Atelier du 12 mai"


def test_an_organiser_of_another_municipality_cannot_enter_proposals(client, oujda, la_marsa):
    call = make_call(oujda)
    sign_in_as(client, make_organiser(la_marsa))
    assert client.post(f"/calls/{call.id}/assisted", data={"title": "x"}).status_code == 403


def test_reviewer_opens_a_call_in_local_time(client, oujda, la_marsa, reviewer):
    sign_in_as(client, reviewer)
    data = {
        "municipality_id": oujda.id,
        "programme_id": 0,
        "title_fr": "Appel 2027",
        "description_fr": "Des projets pour vivre ensemble.",
        "categories_fr": "Culture\nJeunesse\n\nCulture",
        "submission_opens_at": "2027-01-01T09:00",
        "submission_closes_at": "2027-02-01T09:00",
        "support_opens_at": "2027-02-01T09:00",
        "support_closes_at": "2027-03-01T09:00",
        "review_opens_at": "2027-03-01T09:00",
        "results_at": "2027-04-01T09:00",
        "support_cap": "5",
    }
    response = client.post("/manage/calls/new", data=data)
    assert response.status_code == 303
    from app.proposals.models import ProposalCall

    call = db.session.scalar(sa.select(ProposalCall))
    assert [c.name for c in call.categories] == ["Culture", "Jeunesse"] and call.support_cap == 5
    assert call.submission_opens_at.hour == 8  # 09:00 in Casablanca (UTC+1)
    bad = client.post(
        "/manage/calls/new", data={**data, "results_at": "2026-01-01T09:00", "title_fr": "Mauvais"}
    )
    assert bad.status_code == 422
    assert "The phases must follow each other" in bad.get_data(as_text=True)
    elsewhere = client.post(
        "/manage/calls/new", data={**data, "municipality_id": la_marsa.id, "title": "Ailleurs"}
    )
    assert elsewhere.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(ProposalCall.id))) == 1


def test_calls_page_says_the_phase_and_until_when_and_keeps_past_calls(client, oujda):
    current = make_call(oujda, phase="support", title="Appel en cours")
    make_call(oujda, phase="results", title="Appel passé")
    page = client.get("/calls").get_data(as_text=True)
    assert "Appel en cours" in page and "Appel passé" in page and "Supporting proposals" in page
    assert page.index("Appel en cours") < page.index("Past calls") < page.index("Appel passé")
    assert "Until" in client.get(f"/calls/{current.id}").get_data(as_text=True)
    assert utcnow() < current.support_closes_at
