"""Pages kept for the signed-in person who asked for them: the same answer while nothing was written,
never another person's, never past a sign-out, a timeout, a message or a minute."""

import re
import time
from datetime import timedelta

import sqlalchemy as sa

from app.accounts.models import User
from app.core import kept_pages
from app.core.models import AuditEntry
from app.core.time import utcnow
from app.events import services
from app.extensions import db
from tests.conftest import sign_in_as
from tests.factories import (
    make_admin,
    make_event,
    make_organiser,
    make_programme,
    make_registration,
    make_user,
)
from tests.query_count import count_queries


def test_my_events_read_again_runs_one_query_and_shows_a_new_registration_at_once(client, oujda):
    resident = make_user("Fatou")
    make_registration(make_event(oujda, title="Atelier cuisine"), resident.participant)
    sign_in_as(client, resident)
    first = client.get("/me/events")
    with count_queries() as statements:
        again = client.get("/me/events")
    assert len(statements) == 1 and again.text == first.text and "Atelier cuisine" in again.text
    assert again.headers["Cache-Control"] == "no-store"
    services.register_for_event(make_event(oujda, title="Atelier couture").id, resident.participant_id)
    page = client.get("/me/events").text
    assert "Atelier cuisine" in page and "Atelier couture" in page


def test_another_person_never_gets_a_page_kept_for_someone_else(app, oujda):
    fatou, omar = make_user("Fatou"), make_user("Omar")
    make_registration(make_event(oujda, title="Atelier cuisine"), fatou.participant)
    make_registration(make_event(oujda, title="Match de football"), omar.participant)
    fatou_client, omar_client = sign_in_as(app.test_client(), fatou), sign_in_as(app.test_client(), omar)
    assert "Atelier cuisine" in fatou_client.get("/me/events").text
    omars = omar_client.get("/me/events").text
    assert "Match de football" in omars and "Atelier cuisine" not in omars
    assert "Atelier cuisine" in fatou_client.get("/me/events").text


def test_a_session_ended_everywhere_no_longer_reads_its_kept_page(client, oujda):
    resident = make_user("Fatou")
    make_registration(make_event(oujda, title="Atelier cuisine"), resident.participant)
    sign_in_as(client, resident)
    assert client.get("/me/events").status_code == 200
    db.session.execute(sa.update(User).where(User.id == resident.id).values(session_version=2))
    db.session.commit()  # a password change or "sign out everywhere" does this
    response = client.get("/me/events")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_an_idle_session_ends_even_on_a_kept_page(client, app, oujda):
    resident = make_user("Fatou")
    sign_in_as(client, resident)
    assert client.get("/me/events").status_code == 200
    idle = app.config["JIWAR_SESSION_IDLE_MINUTES"] * 60
    with client.session_transaction() as session:
        session["signed_in_at"] = session["seen_at"] = int(time.time()) - idle - 1
    response = client.get("/me/events")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_waiting_message_is_shown_once_and_never_kept(client, oujda):
    sign_in_as(client, make_user("Fatou"))
    client.get("/me/events")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Bienvenue")]
    assert "Bienvenue" in client.get("/me/events").text
    assert "Bienvenue" not in client.get("/me/events").text


def test_a_kept_page_is_rendered_afresh_after_a_minute(client, oujda, monkeypatch):
    event = make_event(oujda, title="Atelier cuisine", starts_in=timedelta(hours=2))
    resident = make_user("Fatou")
    make_registration(event, resident.participant)
    sign_in_as(client, resident)
    assert "Atelier cuisine" in client.get("/me/events").text
    later = utcnow() + timedelta(seconds=kept_pages.KEPT_SECONDS)
    monkeypatch.setattr("app.core.kept_pages.utcnow", lambda: later)
    with count_queries() as statements:
        client.get("/me/events")
    assert len(statements) > 1


def door_tokens(page: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', page))


def test_two_sessions_of_one_organiser_each_get_their_own_token_and_it_works(app, oujda):
    organiser = make_organiser(oujda, display_name="Youssef")
    event = make_event(oujda, capacity=20, starts_in=timedelta(hours=1))
    resident = make_user("Fatou")
    make_registration(event, resident.participant)
    url = f"/door/sessions/{event.sessions[0].id}"
    phone, tablet = sign_in_as(app.test_client(), organiser), sign_in_as(app.test_client(), organiser)
    phone_page = phone.get(url).text
    phone_tokens = door_tokens(phone_page)
    with count_queries() as statements:
        tablet_page = tablet.get(url).text  # the phone's answer, kept
    tablet_tokens = door_tokens(tablet_page)
    assert len(statements) == 1 and "Fatou" in tablet_page
    assert len(tablet_tokens) == 1 and tablet_tokens != phone_tokens
    assert kept_pages.fragments.CSRF_PLACEHOLDER not in tablet_page
    response = tablet.post(f"{url}/check-in", data={"participant_id": resident.participant_id,
                                                     "csrf_token": tablet_tokens.pop()})
    assert response.status_code == 303
    assert "present-mark" not in phone_page
    assert "present-mark" in phone.get(url).text  # the check-in was a write: rendered afresh


def test_the_page_and_its_htmx_fragment_are_kept_apart(client, oujda):
    organiser = make_organiser(oujda)
    event = make_event(oujda)
    url = f"/door/sessions/{event.sessions[0].id}"
    sign_in_as(client, organiser)
    page = client.get(url).text
    fragment = client.get(url, headers={"HX-Request": "true"}).text
    assert "<html" in page and "<html" not in fragment
    assert "<html" in client.get(url).text


def test_a_page_another_role_may_not_see_stays_refused(client, oujda, la_marsa):
    event = make_event(oujda)
    url = f"/door/sessions/{event.sessions[0].id}"
    sign_in_as(client, make_organiser(la_marsa))
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404


def test_each_view_of_exact_figures_is_recorded_so_none_is_kept(client, oujda):
    programme = make_programme([oujda])
    sign_in_as(client, make_admin())
    for _ in range(2):
        assert client.get(f"/reports?programme={programme.id}&exact=1").status_code == 200
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 2
