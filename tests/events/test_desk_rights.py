"""Data rights of card holders at the desk (issue 14, item 4): with the card present, the person's
data on a printable page in their language, consent withdrawn, or the person erased; all audited,
all refused to another desk (404, nothing written, nothing named). And the retention rule."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.accounts.models import Participant, ParticipantCard
from app.core.models import AuditEntry
from app.core.time import utcnow
from app.events.models import Attendance, AttendanceTally, Registration, RegistrationStatus
from app.extensions import db
from app.proposals.models import Channel, Proposal
from app.reports.models import ProgrammePerson
from tests.accounts.helpers import translated
from tests.conftest import sign_in_as
from tests.factories import (
    make_attendance,
    make_call,
    make_card_holder,
    make_event,
    make_organiser,
    make_programme,
    make_proposal,
    make_registration,
    make_user,
)

CONSENT = datetime(2025, 4, 2, 9, 30, tzinfo=UTC)
ANSWERS = {"gender": "woman", "birth_year": 1994, "origin": "migrant", "country_code": "CI"}


@pytest.fixture
def holder(oujda):
    return make_card_holder("Oumou Sangaré", municipality=oujda, phone="0611223344", consent_at=CONSENT,
                            **ANSWERS)


@pytest.fixture
def marsa_organiser(la_marsa):
    return make_organiser(la_marsa, display_name="Organiser La Marsa")


def _code(holder) -> str:
    return db.session.scalar(
        sa.select(ParticipantCard.code).filter_by(participant_id=holder.id, is_active=True)
    )


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def _participant_row(holder) -> tuple:
    db.session.expire_all()
    row = db.session.get(Participant, holder.id)
    return (row.display_name, row.phone, row.gender, row.birth_year, row.origin, row.country_code,
            row.consent_at, row.erased_at)


def _state() -> tuple:
    db.session.expire_all()
    return (
        sorted(db.session.execute(sa.select(Participant.id, Participant.display_name, Participant.phone,
                                            Participant.gender, Participant.consent_at,
                                            Participant.erased_at))),
        sorted(db.session.execute(sa.select(ParticipantCard.code, ParticipantCard.is_active))),
        sorted(db.session.execute(sa.select(Registration.id, Registration.status))),
        _actions(),
    )


# -- Your data --------------------------------------------------------------------------------------


def test_the_data_page_asks_for_the_card_code_first(client, organiser, holder):
    sign_in_as(client, organiser)
    person = client.get(f"/desk/people/{holder.id}").text
    assert f"/desk/people/{holder.id}/data" in person
    assert f"/desk/people/{holder.id}/withdraw-consent" in person
    assert f"/desk/people/{holder.id}/erase" in person
    form = client.get(f"/desk/people/{holder.id}/data")
    assert form.status_code == 200
    assert "Code read from the card" in form.text
    assert "0611223344" not in form.text and "Côte" not in form.text
    assert form.headers["Cache-Control"] == "no-store"
    assert _actions() == []  # nothing was shown, nothing recorded


def test_the_data_page_lists_everything_jiwar_holds(client, oujda, organiser, holder):
    old_code = _code(holder)
    sign_in_as(client, organiser)
    client.post(f"/desk/people/{holder.id}/reissue")  # a lost card: the first one is replaced
    event = make_event(oujda, title="Atelier couture")
    make_registration(event, holder)
    past = make_event(oujda, title="Journée portes ouvertes", starts_in=-timedelta(days=20))
    make_attendance(past.sessions[0], holder)
    call = make_call(oujda)
    make_proposal(call, None, participant_id=holder.id, channel=Channel.ASSISTED, title="Un jardin partagé")
    make_proposal(call, make_user("Someone else"), title="Une bibliothèque")
    code = _code(holder)

    page = client.post(f"/desk/people/{holder.id}/data", data={"code": code.lower(), "language": "en"})
    assert page.status_code == 200
    text = page.text
    for expected in ("Oumou Sangaré", "0611223344", code, "Woman", "1994", "Côte d’Ivoire",
                     "Apr 2, 2025", "Atelier couture", "Confirmed", "Journée portes ouvertes",
                     "Un jardin partagé", "Reports show only totals", "Oujda"):
        assert expected in text, expected
    assert old_code not in text and "replaced on" in text
    assert "Une bibliothèque" not in text
    assert page.headers["Cache-Control"] == "no-store"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "participant.data_viewed"))
    assert (entry.actor_id, entry.target_type, entry.target_id) == (organiser.id, "Participant", holder.id)
    assert "Oumou" not in str(entry.details) and "0611" not in str(entry.details)


@pytest.mark.parametrize("typed", ["other", "revoked", "ZZZ"])
def test_a_code_that_is_not_this_persons_card_shows_nothing(client, oujda, organiser, holder, typed):
    other = make_card_holder("Awa", municipality=oujda)
    revoked = _code(holder)
    sign_in_as(client, organiser)
    client.post(f"/desk/people/{holder.id}/reissue")
    codes = {"other": _code(other), "revoked": revoked, "ZZZ": "ZZZ"}
    before = _actions()
    page = client.post(f"/desk/people/{holder.id}/data", data={"code": codes[typed], "language": "en"})
    assert page.status_code == 422
    assert "The code does not match any card of this person." in page.text
    assert f'value="{codes[typed]}"' in page.text  # what was typed is kept
    assert "0611223344" not in page.text and "Woman" not in page.text
    assert _actions() == before


def test_the_data_page_in_arabic_is_arabic(app, client, organiser, holder, oujda):
    make_registration(make_event(oujda, title="Atelier couture"), holder)
    sign_in_as(client, organiser)
    page = client.post(f"/desk/people/{holder.id}/data", data={"code": _code(holder), "language": "ar"})
    assert page.status_code == 200
    # The person's data in Arabic, right to left; the page around it, and its links, the organiser's.
    assert '<div class="your-data" lang="ar" dir="rtl">' in page.text
    assert '<html lang="en" dir="ltr">' in page.text
    assert not re.search(r'<a href="/(ar|fr)/[^"]*"(?![^>]*hreflang)', page.text)
    shown = ("Your data at Jiwar", "Confirmed", "Reports show only totals: your name never appears in them.")
    for msgid in shown:
        assert translated(app, "ar", msgid) in page.data, msgid
    assert translated(app, "ar", "Your data at Jiwar") != b"Your data at Jiwar"
    assert "Your data at Jiwar" not in page.text.split('class="your-data"')[1]  # only the tab's title
    # The desk goes on in the organiser's language.
    assert '<html lang="en" dir="ltr">' in client.get(f"/desk/people/{holder.id}").text


def test_the_data_page_in_french(app, client, organiser, holder):
    sign_in_as(client, organiser)
    page = client.post(f"/desk/people/{holder.id}/data", data={"code": _code(holder), "language": "fr"})
    assert '<div class="your-data" lang="fr" dir="ltr">' in page.text
    assert translated(app, "fr", "Your data at Jiwar") in page.data


# -- Withdraw consent ------------------------------------------------------------------------------


def test_withdrawing_consent_says_what_follows_then_erases_the_answers(client, oujda, organiser, holder):
    programme = make_programme([oujda], name="Vivre ensemble")
    past = make_event(oujda, starts_in=-timedelta(days=20), programme_id=programme.id)
    make_attendance(past.sessions[0], holder)
    assert db.session.scalar(sa.select(ProgrammePerson.gender)) == "woman"
    sign_in_as(client, organiser)
    confirm = client.get(f"/desk/people/{holder.id}/withdraw-consent")
    assert confirm.status_code == 200
    assert "The answers are erased; attendances stay in the totals as “not recorded”." in confirm.text
    response = client.post(f"/desk/people/{holder.id}/withdraw-consent", data={"code": _code(holder)})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/desk/people/{holder.id}")
    assert _participant_row(holder) == ("Oumou Sangaré", "0611223344", None, None, None, None, None, None)
    assert db.session.get(Participant, holder.id).consent_recorded_by_id is None
    # The reports follow at once: the person still counts, their answers as "not recorded".
    assert db.session.execute(sa.select(ProgrammePerson.gender, ProgrammePerson.birth_year)).all() == [
        (None, None)
    ]
    assert _actions() == ["participant.consent_withdrawn"]


def test_withdrawing_consent_with_a_wrong_code_writes_nothing(client, organiser, holder, oujda):
    other = make_card_holder("Awa", municipality=oujda)
    sign_in_as(client, organiser)
    before = _state()
    response = client.post(f"/desk/people/{holder.id}/withdraw-consent", data={"code": _code(other)})
    assert response.status_code == 422
    assert "The code does not match any card of this person." in response.text
    assert _state() == before


# -- Erase -----------------------------------------------------------------------------------------


def test_the_erasure_page_says_what_is_erased_and_what_stays(client, organiser, holder):
    sign_in_as(client, organiser)
    page = client.get(f"/desk/people/{holder.id}/erase").text
    for expected in ("What is erased", "What stays, without a name", "The cards, which stop working.",
                     "Presence at past sessions, counted in the programmes' totals."):
        assert expected in page, expected


def test_erasing_needs_the_box_and_the_code(client, organiser, holder):
    sign_in_as(client, organiser)
    before = _state()
    no_box = client.post(f"/desk/people/{holder.id}/erase", data={"code": _code(holder)})
    assert no_box.status_code == 422
    assert "Tick the box to confirm that this person is erased." in no_box.text
    wrong = client.post(f"/desk/people/{holder.id}/erase", data={"code": "K7MW-4QXA", "confirm": "y"})
    assert wrong.status_code == 422
    assert 'value="K7MW-4QXA"' in wrong.text
    assert _state() == before


def test_erasing_a_card_holder(client, oujda, organiser, holder):
    programme = make_programme([oujda], name="Vivre ensemble")
    past = make_event(oujda, starts_in=-timedelta(days=20), programme_id=programme.id)
    make_attendance(past.sessions[0], holder)
    full = make_event(oujda, title="Atelier cuisine", capacity=1)
    mine = make_registration(full, holder)
    waiting = make_registration(full, make_user("First waiting").participant,
                                status=RegistrationStatus.WAITING)
    proposal = make_proposal(make_call(oujda), None, participant_id=holder.id, channel=Channel.ASSISTED)
    code = _code(holder)
    sign_in_as(client, organiser)

    response = client.post(f"/desk/people/{holder.id}/erase", data={"code": code, "confirm": "y"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/desk")
    name, phone, *answers, erased_at = _participant_row(holder)
    assert (name, phone, answers) == ("", None, [None] * 5) and erased_at is not None
    assert db.session.scalar(sa.select(ParticipantCard.is_active).filter_by(code=code)) is False
    statuses = dict(db.session.execute(sa.select(Registration.id, Registration.status)).all())
    assert statuses == {mine.id: "cancelled", waiting.id: "confirmed"}  # the first waiting got the seat
    # Presence at past sessions stays, anonymous; the proposal stays, without a name.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 1
    assert db.session.scalar(sa.select(AttendanceTally.sessions)) == 1
    assert db.session.execute(sa.select(ProgrammePerson.gender)).all() == [(None,)]
    assert db.session.get(Proposal, proposal.id).participant_id == holder.id
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "participant.erased"))
    assert entry.details == {"registrations_cancelled": 1}
    assert (entry.actor_id, entry.target_id) == (organiser.id, holder.id)
    # The desk no longer finds the person; the card no longer opens anything.
    assert client.get(f"/desk/people/{holder.id}").status_code == 404
    listed = client.get("/desk?q=Oumou").text
    assert "Nobody found." in listed and f"/desk/people/{holder.id}" not in listed
    assert client.get(f"/desk/people/{holder.id}/data").status_code == 404


def test_an_account_holder_is_not_erased_at_the_desk(client, organiser, holder):
    from app.events.services import confirm_card_link, request_card_link

    account = make_user("Oumou", email="oumou@example.org")
    link_request = request_card_link(organiser, holder.id, _code(holder), "oumou@example.org")
    confirm_card_link(account, link_request.id, move_answers=False)
    sign_in_as(client, organiser)
    target = account.participant_id
    before = _state()
    response = client.post(f"/desk/people/{target}/erase", data={"code": _code(account.participant),
                                                                  "confirm": "y"})
    assert response.status_code == 422
    assert "This person has an account" in response.text
    assert _state() == before


# -- Another desk ----------------------------------------------------------------------------------


def test_another_desk_gets_404_writes_nothing_and_names_nobody(client, holder, marsa_organiser):
    code = _code(holder)
    sign_in_as(client, marsa_organiser)
    before = _state()
    base = f"/desk/people/{holder.id}"
    answers = [
        client.get(f"{base}/data"),
        client.post(f"{base}/data", data={"code": code, "language": "en"}),
        client.get(f"{base}/withdraw-consent"),
        client.post(f"{base}/withdraw-consent", data={"code": code}),
        client.get(f"{base}/erase"),
        client.post(f"{base}/erase", data={"code": code, "confirm": "y"}),
    ]
    for answer in answers:
        assert answer.status_code == 404
        assert "Oumou" not in answer.text and code not in answer.text and "0611" not in answer.text
    assert _state() == before


# -- Retention -------------------------------------------------------------------------------------


def _age(holder, days: int) -> None:
    """Move the stored dates of the card holder (creation and cards) `days` back."""
    moment = utcnow() - timedelta(days=days)
    db.session.execute(sa.update(Participant).where(Participant.id == holder.id).values(created_at=moment))
    db.session.execute(
        sa.update(ParticipantCard).where(ParticipantCard.participant_id == holder.id).values(issued_at=moment)
    )
    db.session.commit()


def _retention(app, *args):
    return app.test_cli_runner().invoke(args=["jiwar", "apply-retention", *args])


def _phones() -> dict[str, str | None]:
    db.session.expire_all()
    return dict(db.session.execute(sa.select(Participant.display_name, Participant.phone)).all())


def test_retention_erases_the_phone_of_card_holders_inactive_for_too_long(app, oujda):
    assert app.config["JIWAR_CARD_HOLDER_RETENTION_DAYS"] == 730
    old = make_card_holder("Old", municipality=oujda, phone="0600000001")
    recent = make_card_holder("Recent", municipality=oujda, phone="0600000002")
    registered = make_card_holder("Registered", municipality=oujda, phone="0600000003")
    attended = make_card_holder("Attended", municipality=oujda, phone="0600000004")
    proposed = make_card_holder("Proposed", municipality=oujda, phone="0600000005")
    for person in (old, registered, attended, proposed):
        _age(person, 731)
    _age(recent, 729)
    make_registration(make_event(oujda), registered)
    make_attendance(make_event(oujda, starts_in=-timedelta(days=30)).sessions[0], attended)
    make_proposal(make_call(oujda), None, participant_id=proposed.id)
    account = make_user("Account holder")
    account.participant.phone = "0600000006"
    db.session.commit()
    db.session.execute(sa.update(Participant).where(Participant.id == account.participant_id)
                       .values(created_at=utcnow() - timedelta(days=1000)))
    db.session.commit()

    dry = _retention(app, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "1 card holder" in dry.output
    assert _phones()["Old"] == "0600000001" and _actions() == []

    result = _retention(app)
    assert result.exit_code == 0, result.output
    assert "1 card holder" in result.output
    phones = _phones()
    assert phones == {"Old": None, "Recent": "0600000002", "Registered": "0600000003",
                      "Attended": "0600000004", "Proposed": "0600000005", "Account holder": "0600000006"}
    assert db.session.get(Participant, old.id).display_name == "Old"  # the name stays: see README
    entry = db.session.scalar(sa.select(AuditEntry))
    assert (entry.action, entry.actor_id, entry.target_id) == ("retention.applied", None, None)
    assert entry.details == {"card_holders": 1, "days": 730}

    again = _retention(app)
    assert "0 card holders" in again.output
    assert _phones() == phones


def test_retention_follows_the_configured_days(app, oujda):
    person = make_card_holder("Old", municipality=oujda, phone="0600000001")
    _age(person, 40)
    app.config["JIWAR_CARD_HOLDER_RETENTION_DAYS"] = 30
    try:
        assert "1 card holder" in _retention(app).output
    finally:
        app.config["JIWAR_CARD_HOLDER_RETENTION_DAYS"] = 730
    assert _phones() == {"Old": None}
