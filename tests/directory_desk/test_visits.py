"""Desk visits: recorded in one short form (with and without htmx), referrals to the directory's
services and their outcomes, the card link, and another municipality's desk refused (404)."""

import pytest
import sqlalchemy as sa

from app.directory.models import Sensitivity, Service
from app.directory.visits import DeskVisit, Referral, ReferralOutcome
from app.extensions import db
from tests.conftest import sign_in_as
from tests.factories import make_organiser
from tests.factories.events import make_card_holder


def make_service(municipality, name="Centre de santé", sensitivity=Sensitivity.PUBLIC) -> Service:
    service = Service(
        municipality_id=municipality.id,
        name_fr=name,
        provider_name="Association fictive",
        sensitivity=sensitivity,
    )
    db.session.add(service)
    db.session.commit()
    return service


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def health(oujda):
    return make_service(oujda)


def _visit(oujda, *services, **fields):
    return {
        "municipality_id": str(oujda.id),
        "topics": ["health", "legal_aid"],
        "service_ids": [str(s.id) for s in services],
        **fields,
    }


def test_an_anonymous_visit_with_two_referrals(client, oujda, organiser, health):
    lawyer = make_service(oujda, "Permanence juridique")
    sign_in_as(client, organiser)
    page = client.get("/desk/visits").get_data(as_text=True)
    assert "Centre de santé" in page and "Legal aid" in page
    response = client.post(
        "/desk/visits", data=_visit(oujda, health, lawyer, gender="woman", age_band="25-59", origin="migrant")
    )
    assert response.status_code == 303
    visit = db.session.scalar(sa.select(DeskVisit))
    assert visit.topics == "health,legal_aid" and visit.anonymous_gender == "woman"
    assert visit.participant_id is None
    assert sorted(r.service_id for r in visit.referrals) == sorted([health.id, lawyer.id])
    assert {r.outcome for r in visit.referrals} == {ReferralOutcome.NOT_YET}
    assert "2 referrals" in client.get("/desk/visits").get_data(as_text=True)


def test_with_htmx_the_form_comes_back_empty_with_the_visit_listed(client, oujda, organiser, health):
    sign_in_as(client, organiser)
    response = client.post("/desk/visits", data=_visit(oujda, health), headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body and 'id="desk-visits"' in body
    assert "The visit is recorded (1 referral)." in body
    assert "HX-Request" in response.headers["Vary"]
    assert _count(DeskVisit) == 1


def test_a_visit_linked_to_a_card_keeps_no_answers_of_its_own(client, oujda, organiser, health):
    holder = make_card_holder("Awa", municipality=oujda)
    sign_in_as(client, organiser)
    code = holder.cards[0].code.lower().replace("-", " ")
    response = client.post("/desk/visits", data=_visit(oujda, health, card_code=code, gender="man"))
    assert response.status_code == 303
    visit = db.session.scalar(sa.select(DeskVisit))
    assert visit.participant_id == holder.id and visit.anonymous_gender is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"topics": []}, "Tick at least one topic of the visit."),
        ({"card_code": "ABCD-EFGH"}, "No active participant card has this code"),
    ],
)
def test_bad_input_is_said_and_kept_and_writes_nothing(client, oujda, organiser, health, fields, message):
    sign_in_as(client, organiser)
    response = client.post("/desk/visits", data=_visit(oujda, health, origin="refugee", **fields))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="refugee" selected' in page or 'selected value="refugee"' in page
    assert _count(DeskVisit) == 0 and _count(Referral) == 0


def test_with_htmx_a_refused_visit_comes_back_in_place_with_its_message(client, oujda, organiser, health):
    """htmx swaps no 4xx answer: the fragment with the message and the typed values comes back 200."""
    sign_in_as(client, organiser)
    data = _visit(oujda, health, origin="refugee", topics=[])
    response = client.post("/desk/visits", data=data, headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page
    assert "Tick at least one topic of the visit." in page and 'id="desk-visits"' in page
    assert _count(DeskVisit) == 0


def test_another_desks_staff_only_service_cannot_be_referred_to(client, oujda, la_marsa, organiser):
    shelter = make_service(la_marsa, "Abri des femmes", sensitivity=Sensitivity.STAFF)
    sign_in_as(client, organiser)
    assert "Abri des femmes" not in client.get("/desk/visits").get_data(as_text=True)
    response = client.post("/desk/visits", data=_visit(oujda, shelter))
    assert response.status_code == 422
    assert "Choose services from the list." in response.get_data(as_text=True)
    assert _count(DeskVisit) == 0


def test_the_outcome_of_a_referral_is_recorded(client, oujda, organiser, health):
    sign_in_as(client, organiser)
    client.post("/desk/visits", data=_visit(oujda, health))
    visit = db.session.scalar(sa.select(DeskVisit))
    referral = visit.referrals[0]
    assert client.get(f"/desk/visits/{visit.id}").status_code == 200
    response = client.post(f"/desk/referrals/{referral.id}/outcome", data={"outcome": "reached"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).outcome == ReferralOutcome.REACHED


def test_another_municipalitys_organiser_gets_404_and_nothing_is_written(
    client, oujda, la_marsa, organiser, health
):
    sign_in_as(client, organiser)
    client.post("/desk/visits", data=_visit(oujda, health))
    visit = db.session.scalar(sa.select(DeskVisit))
    referral_id = visit.referrals[0].id
    stranger = make_organiser(la_marsa, display_name="Other desk")
    other = client.application.test_client()
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in_as(other, stranger)
    assert other.get(f"/desk/visits/{visit.id}").status_code == 404
    assert (
        other.post(f"/desk/referrals/{referral_id}/outcome", data={"outcome": "refused"}).status_code == 404
    )
    # Nor can they record a visit at Oujda's desk.
    response = other.post("/desk/visits", data=_visit(oujda, health))
    assert response.status_code == 422
    assert "Centre de santé" not in other.get("/desk/visits").get_data(as_text=True).split("Recent visits")[1]
    db.session.expire_all()
    assert db.session.get(Referral, referral_id).outcome == ReferralOutcome.NOT_YET
    assert _count(DeskVisit) == 1


def test_a_card_holders_visits_are_on_their_data_page(client, oujda, organiser, health):
    holder = make_card_holder("Awa", municipality=oujda)
    code = holder.cards[0].code
    sign_in_as(client, organiser)
    client.post("/desk/visits", data=_visit(oujda, health, card_code=code))
    page = client.post(f"/desk/people/{holder.id}/data", data={"code": code, "language": "en"})
    text = page.get_data(as_text=True)
    assert "Visits to the information desk" in text
    section = text.split("Visits to the information desk")[1].split("</section>")[0]
    assert "Health, Legal aid" in section and "Centre de santé</bdi> — Not yet" in section
