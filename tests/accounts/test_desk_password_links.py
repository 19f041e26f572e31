"""Password links at the information desk (issue 14): an organiser finds and serves only the
residents of their municipalities (home municipality, or registered or took part there, or in a
municipality sharing a programme), checks that the person is present, and the account holder is told."""

import pytest
import sqlalchemy as sa

from app.accounts.models import PasswordResetToken
from app.core.models import AuditEntry, OutboxMessage
from app.extensions import db
from tests.accounts.helpers import use_reset_link
from tests.conftest import sign_in_as
from tests.factories import (
    make_attendance,
    make_event,
    make_organiser,
    make_programme,
    make_registration,
    make_user,
)

NEW = {"password": "a new long passphrase", "confirm": "a new long passphrase"}


@pytest.fixture
def aminata(oujda):
    return make_user("Aminata Diallo", phone="+212612345678", municipality=oujda)


@pytest.fixture
def organiser(oujda):
    return make_organiser(oujda, display_name="Organiser Oujda")


@pytest.fixture
def marsa_organiser(la_marsa):
    return make_organiser(la_marsa, display_name="Organiser La Marsa")


def _written() -> tuple[int, int, int]:
    count = sa.func.count()
    return (
        db.session.scalar(sa.select(count).select_from(PasswordResetToken)),
        db.session.scalar(sa.select(count).select_from(OutboxMessage)),
        db.session.scalar(sa.select(count).select_from(AuditEntry)),
    )


def test_another_municipalitys_organiser_neither_finds_nor_serves_them(client, aminata, marsa_organiser):
    sign_in_as(client, marsa_organiser)
    for query in ("aminata", "0612345678", "Diallo"):
        page = client.get(f"/accounts/desk?q={query}").text
        assert "Aminata" not in page and f"/accounts/desk/{aminata.id}" not in page
    before = _written()
    page = client.get(f"/accounts/desk/{aminata.id}")
    assert page.status_code == 404 and "Aminata" not in page.text
    response = client.post(f"/accounts/desk/{aminata.id}/reset-link", data={"said": "5678"})
    assert response.status_code == 404 and "Aminata" not in response.text and "/reset/" not in response.text
    assert _written() == before


def test_registering_or_taking_part_there_lets_that_desk_serve(client, oujda, la_marsa, marsa_organiser):
    registered = make_user("Awa Registered", email="awa@example.org", municipality=oujda)
    attended = make_user("Koffi Attended", email="koffi@example.org", municipality=oujda)
    marsa_event = make_event(la_marsa, title="Atelier La Marsa")
    make_registration(marsa_event, registered.participant)
    make_attendance(marsa_event.sessions[0], attended.participant)
    sign_in_as(client, marsa_organiser)
    assert "Awa Registered" in client.get("/accounts/desk?q=awa").text
    assert "Koffi Attended" in client.get("/accounts/desk?q=koffi").text
    assert client.get(f"/accounts/desk/{registered.id}").status_code == 200


def test_a_programme_covering_both_municipalities_shares_the_desk(client, oujda, la_marsa, aminata,
                                                                 marsa_organiser):
    programme = make_programme([la_marsa], name="I-MIGR")
    sign_in_as(client, marsa_organiser)
    assert client.get(f"/accounts/desk/{aminata.id}").status_code == 404
    programme.municipalities.append(oujda)
    db.session.commit()
    assert client.get(f"/accounts/desk/{aminata.id}").status_code == 200


def test_a_wrong_presence_check_is_refused_and_writes_nothing(client, aminata, organiser):
    sign_in_as(client, organiser)
    before = _written()
    for said in ("", "1234", "345678", "five six seven eight"):
        response = client.post(f"/accounts/desk/{aminata.id}/reset-link", data={"said": said})
        assert response.status_code == 422
        assert "These are not the last 4 digits of this account&#39;s phone number." in response.text
        assert "/reset/" not in response.text
    assert 'value="five six seven eight"' in response.text  # what was typed is kept
    assert _written() == before


def test_an_email_only_account_is_checked_by_its_full_address(client, oujda, organiser):
    person = make_user("Fatou Ba", email="fatou.ba@example.org", municipality=oujda)
    sign_in_as(client, organiser)
    assert "Their email address, as the person says it" in client.get(f"/accounts/desk/{person.id}").text
    wrong = client.post(f"/accounts/desk/{person.id}/reset-link", data={"said": "fatou@example.org"})
    assert wrong.status_code == 422 and "This is not the email address of this account." in wrong.text
    right = client.post(f"/accounts/desk/{person.id}/reset-link", data={"said": " Fatou.Ba@Example.org "})
    assert right.status_code == 200 and "/reset/" in right.text


def test_the_link_is_audited_with_the_check_and_told_to_the_account_holder(client, aminata, organiser):
    sign_in_as(client, organiser)
    response = client.post(f"/accounts/desk/{aminata.id}/reset-link", data={"said": "5678"})
    assert response.status_code == 200
    entry = db.session.scalar(sa.select(AuditEntry).filter_by(action="account.reset_link_issued"))
    assert entry.actor_id == organiser.id and entry.target_id == aminata.id
    assert entry.details["check"] == "phone_digits" and "5678" not in str(entry.details)
    message = db.session.scalar(sa.select(OutboxMessage).filter_by(kind="desk_reset_link_given"))
    assert message.participant_id == aminata.participant_id
    assert message.payload["municipality"] == "Oujda" and message.payload["given_at"]
    assert "link" not in message.payload  # the link itself is only handed over on screen
    link = response.text.split("<code>")[1].split("</code>")[0]
    assert use_reset_link(client, link.rsplit("/", 1)[1], NEW).status_code == 303


def test_wrong_presence_checks_are_rate_limited(limited_client, aminata, organiser):
    sign_in_as(limited_client, organiser)
    statuses = [
        limited_client.post(f"/accounts/desk/{aminata.id}/reset-link", data={"said": "0000"}).status_code
        for _ in range(3)
    ]
    assert statuses == [422, 422, 429]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PasswordResetToken)) == 0
