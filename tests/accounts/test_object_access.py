"""Object-level and field-level access: another person's things reached by changing an id give 403 or
404 and never their data; extra form fields (role, status, is_admin, author_id...) are ignored."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts.models import RoleAssignment, User
from app.events.models import Event, EventStatus, Registration, RegistrationStatus
from app.extensions import db
from app.proposals.models import Comment, Proposal, ProposalStatus
from tests.conftest import sign_in_as
from tests.factories import (
    PASSWORD,
    make_admin,
    make_call,
    make_event,
    make_municipality,
    make_organiser,
    make_proposal,
    make_registration,
    make_user,
)


@pytest.fixture
def world():
    oujda = make_municipality("oujda")
    la_marsa = make_municipality("la-marsa")
    owner = make_user("Aminata Owner", email="aminata@example.org", phone="+212612345678")
    intruder = make_user("Intruder")
    event = make_event(oujda, title="Atelier couture", sessions=2)
    registration = make_registration(event, owner.participant)
    draft_event = make_event(oujda, title="Brouillon secret", status=EventStatus.DRAFT)
    call = make_call(oujda, phase="support")
    hidden = make_proposal(
        call, owner, title="Proposition masquée", is_hidden=True, hidden_reason="Hors sujet"
    )
    visible = make_proposal(call, owner, title="Proposition visible")
    return {
        "oujda": oujda,
        "la_marsa": la_marsa,
        "owner": owner,
        "intruder": intruder,
        "event": event,
        "registration": registration,
        "draft_event": draft_event,
        "call": call,
        "hidden": hidden,
        "visible": visible,
    }


# The owner's data that must never appear in a refused answer.
def _secrets(world) -> list[str]:
    return ["Aminata", "aminata@example.org", world["registration"].ticket_code, "Proposition masquée"]


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("intruder", "/me/tickets/{registration.id}", 403),
        ("organiser_other", "/me/tickets/{registration.id}", 403),
        ("intruder", "/proposals/{hidden.id}", 404),
        ("intruder", "/proposals/{hidden.id}/photo", 404),
        ("intruder", "/proposals/{hidden.id}/edit", 404),
        ("intruder", "/proposals/{visible.id}/edit", 403),
        ("intruder", "/events/{draft_event.id}", 404),
        ("intruder", "/admin/people/{owner.id}", 403),
        ("intruder", "/desk/people/{owner.participant_id}", 403),
        ("organiser_other", "/manage/events/{event.id}", 403),
        ("organiser_other", "/manage/events/{event.id}/attendance.csv", 403),
        ("organiser_other", "/door/sessions/{event.sessions[0].id}", 404),
        ("anonymous", "/me/tickets/{registration.id}", 302),
    ],
)
def test_changing_an_id_never_shows_someone_elses_data(client, world, who, url, status):
    people = {
        "intruder": world["intruder"],
        "organiser_other": make_organiser(world["la_marsa"]),
        "anonymous": None,
    }
    if people[who] is not None:
        sign_in_as(client, people[who])
    response = client.get(url.format(**world))
    assert response.status_code == status
    body = response.get_data(as_text=True)
    for secret in _secrets(world):
        assert secret not in body


def test_cancelling_by_event_id_only_ever_touches_ones_own_registration(client, world):
    sign_in_as(client, world["intruder"])
    response = client.post(f"/events/{world['event'].id}/cancel-registration", follow_redirects=True)
    assert "You are not registered for this event." in response.get_data(as_text=True)
    assert db.session.get(Registration, world["registration"].id).status == RegistrationStatus.CONFIRMED


def test_a_registration_is_always_for_the_signed_in_person(client, world):
    sign_in_as(client, world["intruder"])
    client.post(
        f"/events/{world['event'].id}/register",
        data={"participant_id": world["owner"].participant_id, "status": "confirmed"},
    )
    rows = db.session.execute(sa.select(Registration.participant_id, Registration.status)).all()
    assert sorted(rows) == sorted(
        [(world["owner"].participant_id, "confirmed"), (world["intruder"].participant_id, "confirmed")]
    )


def test_sign_up_ignores_is_admin_role_and_session_fields(client):
    client.post(
        "/sign-up",
        data={
            "display_name": "Mallory",
            "email": "mallory@example.org",
            "phone": "",
            "municipality": "",
            "password": "a long enough passphrase",
            "confirm": "a long enough passphrase",
            "is_admin": "y",
            "role": "organiser",
            "roles": "reviewer",
            "is_disabled": "",
            "session_version": "99",
            "deleted_at": "2020-01-01",
        },
    )
    user = db.session.scalar(sa.select(User).where(User.email == "mallory@example.org"))
    assert not user.is_admin and user.roles == [] and user.session_version == 1 and user.deleted_at is None


def test_a_proposal_ignores_author_status_counts_and_moderation_fields(client, world):
    call = make_call(world["oujda"], phase="submission")
    sign_in_as(client, world["intruder"])
    response = client.post(
        f"/calls/{call.id}/propose",
        data={
            "title": "Un jardin partagé",
            "description": "Un jardin où voisins et nouveaux arrivants cultivent ensemble le samedi.",
            "category_id": str(call.categories[0].id),
            "place": "Quartier Al Qods",
            "estimated_cost": "1500",
            "author_id": str(world["owner"].id),
            "participant_id": str(world["owner"].participant_id),
            "status": "accepted",
            "support_count": "999",
            "is_hidden": "y",
            "channel": "paper",
            "answer_text": "Accepté d'office",
        },
    )
    assert response.status_code == 303
    proposal = db.session.scalar(sa.select(Proposal).where(Proposal.call_id == call.id))
    assert proposal.author_id == world["intruder"].id
    assert proposal.participant_id == world["intruder"].participant_id
    assert (proposal.status, proposal.support_count, proposal.is_hidden, proposal.channel) == (
        ProposalStatus.SUBMITTED,
        0,
        False,
        "online",
    )
    assert proposal.answer_text == ""


def test_a_comment_is_always_by_the_signed_in_person(client, world):
    sign_in_as(client, world["intruder"])
    client.post(
        f"/proposals/{world['visible'].id}/comments",
        data={"body": "Mon avis", "author_id": str(world["owner"].id), "is_hidden": "y"},
    )
    comment = db.session.scalar(sa.select(Comment))
    assert comment.author_id == world["intruder"].id and not comment.is_hidden


def test_a_new_event_ignores_status_counters_and_author(client, world):
    from tests.events.test_management import event_form

    organiser = make_organiser(world["oujda"])
    sign_in_as(client, organiser)
    client.post(
        "/manage/events/new",
        data=event_form(
            world["oujda"],
            title_fr="Nouvel atelier",
            status="published",
            confirmed_count="50",
            waiting_count="7",
            created_by_id=str(world["owner"].id),
            version="99",
        ),
    )
    event = db.session.scalar(sa.select(Event).where(Event.title_fr == "Nouvel atelier"))
    assert event.status == EventStatus.DRAFT
    assert (event.confirmed_count, event.waiting_count, event.created_by_id) == (0, 0, organiser.id)


def test_granting_a_role_cannot_also_make_an_administrator(client, world):
    admin = make_admin()
    sign_in_as(client, admin)
    client.post(
        f"/admin/people/{world['owner'].id}/roles",
        data={
            "role": "reviewer",
            "municipality": str(world["oujda"].id),
            "is_admin": "y",
            "user_id": admin.id,
        },
    )
    owner = db.session.get(User, world["owner"].id)
    assert not owner.is_admin
    assert [(r.user_id, r.role) for r in db.session.scalars(sa.select(RoleAssignment))] == [
        (owner.id, "reviewer")
    ]


def test_participation_ignores_a_forged_consent_date(client, world):
    sign_in_as(client, world["intruder"])
    client.post("/me/participation", data={"gender": "woman", "consent_at": "2020-01-01T00:00"})
    participant = db.session.get(User, world["intruder"].id).participant
    assert participant.consent_at is None and participant.gender is None


def test_deleting_ones_account_cannot_name_another_account(client, world):
    sign_in_as(client, world["intruder"])
    response = client.post(
        "/me/delete",
        data={"password": PASSWORD, "confirm": "y", "user_id": str(world["owner"].id)},
    )
    assert response.status_code == 303
    assert db.session.get(User, world["owner"].id).deleted_at is None
    assert db.session.get(User, world["intruder"].id).deleted_at is not None


def test_the_past_event_of_another_person_stays_out_of_my_events(client, world):
    past = make_event(world["oujda"], title="Sortie passée", starts_in=timedelta(days=-10))
    make_registration(past, world["owner"].participant)
    sign_in_as(client, world["intruder"])
    for when in ("upcoming", "past"):
        page = client.get(f"/me/events?when={when}").get_data(as_text=True)
        assert "Sortie passée" not in page and "Atelier couture" not in page
