"""Delete my account: personal data erased in one transaction, anonymous counts kept."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.accounts.models import Participant, ParticipantCard, PasswordResetToken, User
from app.core.models import AuditEntry, OutboxMessage
from app.events.models import Registration, RegistrationStatus
from app.extensions import db
from app.proposals.models import Comment, Proposal, Support
from tests.accounts.helpers import translated
from tests.conftest import sign_in_as
from tests.factories import (
    PASSWORD,
    make_admin,
    make_attendance,
    make_call,
    make_comment,
    make_event,
    make_municipality,
    make_organiser,
    make_proposal,
    make_registration,
    make_reset_token,
    make_support,
    make_user,
)

CONSENT = datetime(2025, 4, 2, 9, 30, tzinfo=UTC)
CONFIRM = {"password": PASSWORD, "confirm": "y"}


def _sign_in_for_real(client, identifier, password=PASSWORD):
    return client.post("/sign-in", data={"identifier": identifier, "password": password})


def _delete(client, **data):
    return client.post("/me/delete", data={**CONFIRM, **data})


@pytest.fixture
def person():
    from app.accounts.models import ParticipantCard

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
    person.participant.cards = [ParticipantCard(code="LIVECARD")]
    db.session.commit()
    return person


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_confirmation_page_says_what_is_erased_and_what_stays(app, client, person):
    sign_in_as(client, person)
    for language in ("en", "fr", "ar"):
        page = client.get(f"/{language}/me/delete")
        assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
        for msgid in (
            "What is erased",
            "What stays, without your name",
            "Your supports, so the proposals keep their counts.",
            "Delete my account for good",
        ):
            assert translated(app, language, msgid) in page.data
    assert b'autocomplete="current-password"' in page.data


def test_deletion_erases_personal_data_and_keeps_the_rows(client, person):
    sign_in_as(client, person)
    response = _delete(client)
    assert response.status_code == 303 and response.headers["Location"] == "/en/"
    user = db.session.get(User, person.id)
    assert user.deleted_at is not None and user.is_disabled and not user.is_admin
    assert (user.email, user.phone, user.display_name, user.municipality_id) == (None, None, "", None)
    assert user.password_hash == "!deleted" and user.session_version == 2
    participant = db.session.get(Participant, person.participant_id)
    assert (
        participant.display_name,
        participant.phone,
        participant.gender,
        participant.birth_year,
        participant.origin,
        participant.country_code,
        participant.consent_at,
    ) == ("", None, None, None, None, None, None)
    assert participant.erased_at is not None
    card = db.session.scalar(sa.select(ParticipantCard))
    assert not card.is_active and card.revoked_at is not None
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "account.deleted"))
    assert entry.target_id == person.id and entry.details == {"registrations_cancelled": 0}
    assert "Aminata" not in str(entry.details)


def test_after_deletion_the_person_is_signed_out_and_cannot_sign_in(client, person):
    sign_in_as(client, person)
    with client.session_transaction() as session:
        old_cookie = dict(session)
    follow = _delete(client)
    assert client.get(follow.headers["Location"]).status_code == 200
    assert client.get("/me").status_code == 302  # this session ended
    # A copy of the cookie taken before (another device) is signed out too.
    with client.session_transaction() as session:
        session.update(old_cookie)
    assert client.get("/me").status_code == 302
    for identifier in ("aminata@example.org", "0612345678"):
        refused = _sign_in_for_real(client, identifier)
        assert refused.status_code == 200
        assert b"do not match" in refused.data


def test_the_email_and_phone_can_sign_up_again(client, person):
    sign_in_as(client, person)
    _delete(client)
    client.post("/sign-out")
    response = client.post(
        "/sign-up",
        data={
            "display_name": "Aminata",
            "email": "aminata@example.org",
            "phone": "0612345678",
            "municipality": "",
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 303
    assert _count(User) == 2
    assert db.session.scalar(sa.select(User).where(User.email == "aminata@example.org")).id != person.id


def test_a_wrong_password_writes_nothing(app, client, person):
    oujda = make_municipality("oujda")
    make_registration(make_event(oujda), person.participant)
    sign_in_as(client, person)
    response = _delete(client, password="not my password")
    assert response.status_code == 200
    assert b"Your password is not right." in response.data
    user = db.session.get(User, person.id)
    assert user.deleted_at is None and user.email == "aminata@example.org" and not user.is_disabled
    assert user.participant.gender == "woman" and user.participant.display_name == "Aminata Koné"
    assert db.session.scalar(sa.select(Registration.status)) == RegistrationStatus.CONFIRMED
    assert db.session.scalar(sa.select(ParticipantCard.is_active)) is True
    assert _count(AuditEntry) == 0
    assert client.get("/me").status_code == 200  # still signed in


def test_the_box_must_be_ticked(client, person):
    sign_in_as(client, person)
    response = client.post("/me/delete", data={"password": PASSWORD})
    assert response.status_code == 200
    assert b"Tick the box to confirm that you want to delete your account." in response.data
    assert db.session.get(User, person.id).deleted_at is None


def test_the_error_comes_in_french(app, client, person):
    sign_in_as(client, person)
    response = client.post(
        "/me/delete", data={**CONFIRM, "password": "faux"}, headers={"Accept-Language": "fr"}
    )
    assert translated(app, "fr", "Your password is not right.") in response.data


def test_a_future_registration_is_cancelled_and_the_first_waiting_person_promoted(client, person):
    oujda = make_municipality("oujda")
    event = make_event(oujda, capacity=1)
    mine = make_registration(event, person.participant)
    first = make_registration(
        event, make_user("First waiting").participant, status=RegistrationStatus.WAITING
    )
    second = make_registration(
        event, make_user("Second waiting").participant, status=RegistrationStatus.WAITING
    )
    sign_in_as(client, person)
    _delete(client)
    statuses = dict(db.session.execute(sa.select(Registration.id, Registration.status)).all())
    assert statuses == {mine.id: "cancelled", first.id: "confirmed", second.id: "waiting"}
    db.session.refresh(event)
    assert (event.confirmed_count, event.waiting_count) == (1, 1)
    # The promoted person is told; the deleted person's own messages are gone.
    kinds = db.session.execute(sa.select(OutboxMessage.participant_id, OutboxMessage.kind)).all()
    assert kinds == [(first.participant_id, "registration_promoted")]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "account.deleted"))
    assert entry.details == {"registrations_cancelled": 1}


def test_past_attendances_stay_and_the_report_totals_do_not_change(client):
    from tests.reports.dataset import build_dataset
    from tests.reports.test_figures import cells_of, column

    data = build_dataset()
    admin = make_admin()

    def totals():
        sign_in_as(client, admin)
        cells = cells_of(client, f"programme={data.programme.id}&exact=1")
        return column(cells, "table-summary", "attendances"), column(cells, "table-summary", "people")

    before = totals()
    person = data.people["A"]  # 1 session of E1 and 3 of E2, both in the past
    sign_in_as(client, person)
    assert _delete(client).status_code == 303
    assert totals() == before == ({"summary": 13}, {"summary": 5})


def test_proposals_and_comments_stay_under_deleted_account_and_supports_count(client, person):
    oujda = make_municipality("oujda")
    call = make_call(oujda, phase="support")
    proposal = make_proposal(call, person, title="Un jardin partagé")
    make_comment(proposal, person, body="Je précise mon idée")
    other = make_proposal(call, make_user(), title="Une bibliothèque")
    make_support(other, person)
    sign_in_as(client, person)
    _delete(client)
    page = client.get(f"/proposals/{proposal.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Un jardin partagé" in text and "Je précise mon idée" in text
    assert "Deleted account" in text and "Aminata" not in text
    assert db.session.get(Proposal, other.id).support_count == 1 and _count(Support) == 1
    assert _count(Comment) == 1 and _count(Proposal) == 2
    arabic = client.get(f"/ar/proposals/{proposal.id}")
    from tests.accounts.helpers import translated as in_language

    assert in_language(client.application, "ar", "Deleted account") in arabic.data


def test_deleted_people_show_as_deleted_account_to_organisers(client, person):
    oujda = make_municipality("oujda")
    event = make_event(oujda, sessions=2, starts_in=timedelta(days=-1))  # started: kept
    make_registration(event, person.participant)
    make_attendance(event.sessions[0], person.participant)
    organiser = make_organiser(oujda)
    sign_in_as(client, organiser)
    assert f"/desk/people/{person.participant_id}" in client.get("/desk?q=LIVECARD").get_data(as_text=True)
    sign_in_as(client, person)
    _delete(client)
    sign_in_as(client, organiser)
    page = client.get(f"/manage/events/{event.id}").get_data(as_text=True)
    assert "Deleted account" in page and "Aminata" not in page
    csv_text = client.get(f"/manage/events/{event.id}/attendance.csv").data.decode("utf-8")
    assert "Deleted account" in csv_text and "Anonymous walk-in" not in csv_text
    door = client.get(f"/door/sessions/{event.sessions[0].id}").get_data(as_text=True)
    assert "Aminata" not in door
    # The desk no longer finds the erased participant, by name or by card code.
    assert client.get(f"/desk/people/{person.participant_id}").status_code == 404
    for search in ("LIVECARD", "Aminata"):
        assert f"/desk/people/{person.participant_id}" not in client.get(f"/desk?q={search}").get_data(
            as_text=True
        )


def test_reset_links_and_messages_of_the_person_are_gone(client, person):
    token = make_reset_token(person)
    sign_in_as(client, person)
    _delete(client)
    assert _count(PasswordResetToken) == 0
    assert client.get(f"/reset/{token}").status_code == 404


def test_the_last_administrator_cannot_delete_their_account(client):
    admin = make_admin(email="admin@example.org")
    sign_in_as(client, admin)
    page = client.get("/me/delete")
    message = (
        b"You are the last administrator: make someone else an administrator before deleting your account."
    )
    assert message in page.data
    response = _delete(client)
    assert response.status_code == 200 and message in response.data
    assert db.session.get(User, admin.id).deleted_at is None and _count(AuditEntry) == 0


def test_an_administrator_may_delete_their_account_when_another_remains(client):
    admin = make_admin(email="admin@example.org")
    make_admin()
    sign_in_as(client, admin)
    assert _delete(client).status_code == 303
    user = db.session.get(User, admin.id)
    assert user.deleted_at is not None and not user.is_admin


def test_a_disabled_administrator_does_not_count_as_another_one(client):
    admin = make_admin(email="admin@example.org")
    other = make_admin()
    other.is_disabled = True
    db.session.commit()
    sign_in_as(client, admin)
    assert _delete(client).status_code == 200
    assert db.session.get(User, admin.id).deleted_at is None


def test_roles_are_withdrawn_and_administrators_see_a_deleted_account(client, person):
    from app.accounts.models import Role, RoleAssignment

    oujda = make_municipality("oujda")
    person.roles = [RoleAssignment(role=Role.ORGANISER, municipality=oujda)]
    db.session.commit()
    sign_in_as(client, person)
    _delete(client)
    assert _count(RoleAssignment) == 0
    admin = make_admin()
    sign_in_as(client, admin)
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert "Deleted account" in page and "Aminata" not in page and "Grant a role" not in page
    people = client.get("/admin/people").get_data(as_text=True)
    assert "Deleted account" in people
    assert people.index(f"/admin/people/{admin.id}") < people.index(f"/admin/people/{person.id}")  # last
    # Nothing can be done to it any more.
    client.post(f"/admin/people/{person.id}/roles", data={"role": "reviewer", "municipality": oujda.id})
    client.post(f"/admin/people/{person.id}/enable")
    assert client.post(f"/admin/people/{person.id}/reset-link").status_code == 303
    user = db.session.get(User, person.id)
    assert user.roles == [] and user.is_disabled and _count(PasswordResetToken) == 0


def test_a_failure_half_way_leaves_nothing_written(app, client, person, monkeypatch):
    import app.events.services.registration as registration_service

    oujda = make_municipality("oujda")
    make_registration(make_event(oujda), person.participant)
    make_registration(make_event(oujda), person.participant)
    calls = []

    def fail_on_second(registration_id):
        calls.append(registration_id)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return original(registration_id)

    original = registration_service.release_registration
    monkeypatch.setattr(registration_service, "release_registration", fail_on_second)
    monkeypatch.setitem(app.config, "JIWAR_CATCH_ERRORS_IN_TESTS", True)
    sign_in_as(client, person)
    response = _delete(client)
    assert response.status_code == 500
    assert len(calls) == 2
    user = db.session.get(User, person.id)
    assert user.deleted_at is None and user.email == "aminata@example.org"
    assert db.session.scalars(sa.select(Registration.status)).all() == ["confirmed", "confirmed"]
    assert _count(AuditEntry) == 0
