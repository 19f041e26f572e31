"""Download my data: one JSON file with everything about the person and nothing about anyone else."""

import json
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.core.models import AuditEntry
from app.core.notifications import queue_notification
from app.events.models import RegistrationStatus
from app.extensions import db
from tests.accounts.helpers import translated
from tests.conftest import sign_in_as
from tests.factories import (
    make_abuse_report,
    make_attendance,
    make_call,
    make_comment,
    make_event,
    make_municipality,
    make_organiser,
    make_proposal,
    make_registration,
    make_support,
    make_user,
)
from tests.query_count import count_queries

CONSENT = datetime(2025, 4, 2, 9, 30, tzinfo=UTC)


def _person_with_everything(oujda):
    from app.accounts.models import ParticipantCard, Role, RoleAssignment

    person = make_user(
        "Aminata Koné",
        email="aminata@example.org",
        phone="+212612345678",
        gender="woman",
        birth_year=1994,
        origin="migrant",
        country_code="CI",
        consent_at=CONSENT,
    )
    person.participant.phone = "+212600000001"
    person.roles = [RoleAssignment(role=Role.ORGANISER, municipality=oujda)]
    person.participant.cards = [
        ParticipantCard(code="OLDCARD1", is_active=False, revoked_at=CONSENT),
        ParticipantCard(code="LIVECARD"),
    ]
    db.session.commit()
    past = make_event(oujda, title="Atelier passé", sessions=2, starts_in=timedelta(days=-30))
    make_registration(past, person.participant)
    make_attendance(past.sessions[0], person.participant)
    future = make_event(oujda, title="Journée portes ouvertes")
    make_registration(future, person.participant, status=RegistrationStatus.WAITING)
    call = make_call(oujda, title="Appel 2026")
    proposal = make_proposal(call, person, title="Un jardin partagé")
    someone_elses = make_proposal(call, make_user("Other author"), title="Une bibliothèque")
    make_comment(proposal, person, body="Mon commentaire")
    make_support(someone_elses, person)
    make_abuse_report(person, proposal=someone_elses, reason="Hors sujet")
    queue_notification(
        person.participant_id, "password_reset", link="https://jiwar.example/reset/SECRET", hours=48
    )
    queue_notification(person.participant_id, "registration_promoted", event_id=future.id)
    db.session.commit()
    return person, someone_elses


def _download(client):
    return client.post("/en/me/data/download")


def test_the_file_holds_everything_about_the_person(client):
    oujda = make_municipality("oujda")
    person, _ = _person_with_everything(oujda)
    sign_in_as(client, person)
    response = _download(client)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="jiwar-my-data-')
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.data.decode("utf-8"))
    assert data["format"] == "jiwar-personal-data/1" and "everything Jiwar keeps about you" in data["readme"]
    account = data["account"]
    assert account["email"] == "aminata@example.org" and account["phone"] == "+212612345678"
    assert account["display_name"] == "Aminata Koné"
    assert "password" not in json.dumps(account) and "argon2" not in response.get_data(as_text=True)
    participation = data["participation"]
    assert participation["consent_given_at"] == "2025-04-02T09:30:00+00:00"
    assert (
        participation["gender"],
        participation["birth_year"],
        participation["origin"],
        participation["country_of_origin"],
        participation["shared_phone"],
    ) == ("woman", 1994, "migrant", "CI", "+212600000001")
    assert [(r["role"], r["municipality"]) for r in data["roles"]] == [("organiser", "Oujda")]
    assert [(c["code"], c["is_active"]) for c in data["participant_cards"]] == [
        (None, False),
        ("LIVECARD", True),
    ]
    assert [(r["event_title"], r["status"]) for r in data["registrations"]] == [
        ("Atelier passé", "confirmed"),
        ("Journée portes ouvertes", "waiting"),
    ]
    assert [a["event_title"] for a in data["attendances"]] == ["Atelier passé"]
    assert [p["title"] for p in data["proposals"]] == ["Un jardin partagé"]
    assert [c["body"] for c in data["comments"]] == ["Mon commentaire"]
    assert [s["proposal_title"] for s in data["supports"]] == ["Une bibliothèque"]
    assert [r["reason"] for r in data["abuse_reports"]] == ["Hors sujet"]
    assert [n["kind"] for n in data["notifications"]] == ["password_reset", "registration_promoted"]


def test_the_file_says_nothing_about_anyone_else(client):
    oujda = make_municipality("oujda")
    person, someone_elses = _person_with_everything(oujda)
    other = make_user("Youssef Other", email="youssef@example.org", gender="man", consent_at=CONSENT)
    make_comment(someone_elses, other, body="Le commentaire de Youssef")
    make_support(someone_elses, other)
    make_registration(make_event(oujda, title="Sortie de Youssef"), other.participant)
    sign_in_as(client, person)
    text = _download(client).get_data(as_text=True)
    for foreign in ("Youssef", "youssef@example.org", "Other author", "Sortie de Youssef"):
        assert foreign not in text
    assert "Une bibliothèque" in text  # the title of the proposal the person supported is theirs to see


def test_a_password_link_waiting_in_the_outbox_is_not_in_the_file(client):
    oujda = make_municipality("oujda")
    person, _ = _person_with_everything(oujda)
    sign_in_as(client, person)
    text = _download(client).get_data(as_text=True)
    assert "SECRET" not in text and '"hours": 48' in text


def test_the_download_is_recorded_without_personal_values(client):
    person = make_user("Aminata", email="aminata@example.org")
    sign_in_as(client, person)
    _download(client)
    entry = db.session.scalar(sa.select(AuditEntry))
    assert (entry.action, entry.actor_id, entry.target_type, entry.target_id) == (
        "account.data_exported",
        person.id,
        "User",
        person.id,
    )
    assert entry.details == {}


def test_the_file_is_only_served_to_a_signed_in_person_by_post(client):
    assert _download(client).status_code == 302
    sign_in_as(client, make_user())
    assert client.get("/me/data/download").status_code == 405
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0


def test_event_titles_come_in_the_reader_language(client):
    oujda = make_municipality("oujda")
    person = make_user("Aminata")
    event = make_event(oujda, title="Atelier", title_ar="ورشة")
    make_registration(event, person.participant)
    sign_in_as(client, person)
    data = json.loads(client.post("/ar/me/data/download").data)
    assert data["registrations"][0]["event_title"] == "ورشة" and data["language"] == "ar"
    assert "ورشة" in client.post("/ar/me/data/download").data.decode("utf-8")


def test_the_data_page_explains_in_three_languages(app, client):
    sign_in_as(client, make_user())
    for language in ("en", "fr", "ar"):
        page = client.get(f"/{language}/me/data")
        assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
        assert translated(app, language, "Download my data") in page.data
        assert translated(app, language, "Delete my account") in page.data


def test_the_profile_links_to_the_data_page(client):
    sign_in_as(client, make_user())
    assert b'href="/en/me/data"' in client.get("/me").data


def _query_count_of_download(client, person) -> int:
    sign_in_as(client, person)
    with count_queries() as queries:
        assert _download(client).status_code == 200
    return len(queries)


def test_the_download_runs_the_same_queries_for_1_and_30_rows(client):
    oujda = make_municipality("oujda")
    organiser = make_organiser(oujda)

    def person_with(rows: int):
        person = make_user()
        call = make_call(oujda)
        for i in range(rows):
            event = make_event(oujda, title=f"Atelier {i}", starts_in=timedelta(days=-3 - i))
            registration = make_registration(event, person.participant)
            make_attendance(
                event.sessions[0],
                person.participant,
                registration_id=registration.id,
                checked_in_by_id=organiser.id,
            )
            proposal = make_proposal(call, person)
            make_comment(proposal, person)
            make_support(proposal, person)
        return person

    one, thirty = person_with(1), person_with(30)
    assert _query_count_of_download(client, one) == _query_count_of_download(client, thirty)
