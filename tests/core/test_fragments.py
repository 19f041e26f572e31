"""Public fragments kept for anonymous visitors: a change shows at once, whoever or whatever made it,
and nothing personal is ever kept."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core import fragments
from app.core.models import DataVersion
from app.core.time import utcnow
from app.events import services
from app.extensions import db
from tests.conftest import sign_in_as
from tests.factories import make_call, make_event, make_proposal, make_support, make_user
from tests.query_count import count_queries


def token():
    db.session.rollback()  # a fresh snapshot
    return db.session.scalar(sa.select(DataVersion.token))


def test_every_writing_transaction_changes_the_data_version_and_reads_do_not(oujda):
    before = token()
    event = make_event(oujda)
    after_write = token()
    assert after_write not in (None, before)
    db.session.scalar(sa.select(sa.func.count()).select_from(DataVersion))
    db.session.commit()  # a transaction that only read
    assert token() == after_write
    with db.engine.begin() as connection:  # Core, outside any ORM session
        connection.execute(sa.update(type(event)).values(venue="Salle des fêtes"))
    assert token() not in (None, after_write)


def test_a_new_event_and_a_registration_show_at_once(client, oujda):
    event = make_event(oujda, title="Atelier cuisine", capacity=10)
    assert "10 seats left" in client.get("/events").text
    assert "10 seats left" in client.get("/events").text  # kept
    make_event(oujda, title="Atelier couture", starts_in=timedelta(days=8))
    page = client.get("/events").text
    assert "Atelier couture" in page and "2 events found" in page
    services.register_for_event(event.id, make_user().participant_id)  # the service commits
    assert "9 seats left" in client.get("/events").text


def test_a_kept_list_runs_one_query_and_its_htmx_fragment_is_kept_apart(client, oujda):
    make_event(oujda, title="Atelier cuisine")
    client.get("/events")
    with count_queries() as statements:
        page = client.get("/events")
    assert len(statements) == 1 and "<html" in page.text
    fragment = client.get("/events", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "Atelier cuisine" in fragment.text
    assert "HX-Request" in page.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]


def test_an_event_leaves_the_upcoming_list_when_it_ends(client, oujda, monkeypatch):
    make_event(oujda, title="Atelier cuisine", starts_in=timedelta(hours=1))
    later = make_event(oujda, title="Atelier couture", starts_in=timedelta(days=2))
    assert "Atelier cuisine" in client.get("/events").text
    moment = later.starts_at - timedelta(hours=1)  # the first has ended, the second not begun
    for module in ("app.core.fragments", "app.events.views.public", "app.events.queries"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: moment)
    page = client.get("/events").text
    assert "Atelier cuisine" not in page and "Atelier couture" in page
    assert "Atelier cuisine" in client.get("/events?when=past").text


def test_each_language_and_filter_has_its_own_fragment(client, oujda):
    make_event(oujda, title="Atelier cuisine", event_type="workshop")
    assert 'lang="en"' in client.get("/events").text
    arabic = client.get("/events", headers={"Accept-Language": "ar"}).text
    assert 'dir="rtl"' in arabic and "الفعاليات" in arabic
    assert "Atelier cuisine" not in client.get("/events?type=training").text


def test_signed_in_visitors_never_use_or_fill_the_kept_fragments(client, oujda):
    make_event(oujda, title="Atelier cuisine")
    fragments.cache.clear()
    sign_in_as(client, make_user())
    assert "Atelier cuisine" in client.get("/events").text
    assert not fragments.cache._entries


def csrf_of(page: str) -> str:
    return re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)


def secret_of(token: str) -> str:
    """The session's secret a signed token carries; the signature holds the second it was made."""
    return token.split(".")[0]


def test_each_visitor_of_a_kept_page_gets_their_own_csrf_token(app, oujda):
    make_event(oujda, title="Atelier cuisine")
    first, second = app.test_client(), app.test_client()
    tokens = [csrf_of(first.get("/events").text), csrf_of(second.get("/events").text)]
    assert secret_of(tokens[0]) != secret_of(tokens[1]) and fragments.CSRF_PLACEHOLDER not in "".join(tokens)
    assert secret_of(csrf_of(first.get("/events").text)) == secret_of(tokens[0])  # kept page, own token
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', second.get("/").text).group(1)
    assert secret_of(form_token) == secret_of(tokens[1])


def test_a_page_with_a_message_waiting_is_never_taken_from_the_kept_ones(client, oujda):
    make_event(oujda, title="Atelier cuisine")
    client.get("/events")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Bienvenue")]
    assert "Bienvenue" in client.get("/events").text
    assert "Bienvenue" not in client.get("/events").text


def test_a_fragment_shared_by_everyone_refuses_a_csrf_token(app):
    with app.test_request_context("/"), pytest.raises(RuntimeError, match="CSRF"):
        fragments.language_fragment("test", fragments.csrf_token)


def test_a_fragment_is_not_reused_past_its_moment_or_under_another_token():
    kept = fragments.FragmentCache(size=2)
    now = utcnow()
    kept.put(("a",), fragments.Fragment(1, now + timedelta(minutes=1), "A"))
    assert kept.get(("a",), 1, now) == "A"
    assert kept.get(("a",), 1, now + timedelta(minutes=1)) is None
    kept.put(("a",), fragments.Fragment(1, None, "A"))
    assert kept.get(("a",), 2, now) is None
    for name in "bcd":
        kept.put((name,), fragments.Fragment(1, None, name))
    assert kept.get(("b",), 1, now) is None and kept.get(("d",), 1, now) == "d"  # the oldest went


def test_the_event_page_shows_seats_and_visibility_changes_at_once(client, oujda):
    event = make_event(oujda, title="Atelier cuisine", capacity=10)
    url = f"/events/{event.id}"
    assert "10 left of 10" in client.get(url).text
    services.register_for_event(event.id, make_user().participant_id)
    page = client.get(url)
    assert "9 left of 10" in page.text and "<title>Atelier cuisine · Jiwar</title>" in page.text
    db.session.get(type(event), event.id).status = "draft"
    db.session.commit()
    assert client.get(url).status_code == 404


def test_the_event_page_closes_registration_when_the_time_comes(client, oujda, monkeypatch):
    event = make_event(oujda, title="Atelier cuisine", starts_in=timedelta(days=2))
    url = f"/events/{event.id}"
    assert "Sign in to register" in client.get(url).text
    moment = event.starts_at + timedelta(minutes=5)
    for module in ("app.core.fragments", "app.events.views.public"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: moment)
    page = client.get(url).text
    assert "already started" in page and "Sign in to register" not in page


def test_an_event_title_is_escaped_in_the_kept_page_title(client, oujda):
    event = make_event(oujda, title="<script>alert(1)</script>")
    for _ in range(2):
        assert "<title>&lt;script&gt;" in client.get(f"/events/{event.id}").text


def test_a_support_a_comment_and_moderation_show_at_once_on_the_proposals_pages(client, oujda):
    call = make_call(oujda, phase="support", title="Budget 2027")
    proposal = make_proposal(call, make_user(), title="Fresque")
    call_url, proposal_url = f"/calls/{call.id}", f"/proposals/{proposal.id}"
    assert "<strong>0</strong>" in client.get(call_url).text
    assert "Sign in to support" in client.get(proposal_url).text
    make_support(proposal, make_user())
    assert "<strong>1</strong>" in client.get(call_url).text
    assert "<strong>1</strong>" in client.get(proposal_url).text
    db.session.get(type(proposal), proposal.id).is_hidden = True
    db.session.commit()
    assert client.get(proposal_url).status_code == 404
    assert "Fresque" not in client.get(call_url).text


def test_the_proposals_pages_follow_the_calls_phases_and_waiting_days(client, oujda, monkeypatch):
    call = make_call(oujda, phase="review")
    proposal = make_proposal(call, make_user(), title="Fresque")
    url = f"/proposals/{proposal.id}"
    assert "Waiting for an answer for 1 day<" in client.get(url).text
    tomorrow = call.review_opens_at + timedelta(days=2, minutes=1)
    for module in ("app.core.fragments", "app.proposals.views.public", "app.proposals.models"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: tomorrow)
    assert "Waiting for an answer for 2 days" in client.get(url).text
    results = call.results_at + timedelta(minutes=1)
    for module in ("app.core.fragments", "app.proposals.views.public", "app.proposals.models"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: results)
    assert "phase-results" in client.get(url).text
    assert "phase-results" in client.get(f"/calls/{call.id}").text


def test_a_random_order_is_never_kept(client, oujda):
    call = make_call(oujda, phase="support")
    make_proposal(call, make_user(), title="Fresque")
    fragments.cache.clear()
    assert "Fresque" in client.get(f"/calls/{call.id}?sort=random").text
    assert not fragments.cache._entries


def test_the_public_programme_page_is_kept_and_a_check_in_shows_at_once(client, oujda):
    from app.reports.models import Measure
    from tests.factories import make_attendance, make_programme, make_target

    programme = make_programme([oujda], is_public=True)
    event = make_event(oujda, programme_id=programme.id, starts_in=timedelta(days=-1))
    make_target(programme, measure=Measure.ATTENDANCES, goal=10, title="Présences")
    from tests.reports.dataset import published

    # Record keys chosen so that the two published figures differ (5 attendances show 5, 6 show 7).
    for _ in range(5):
        make_attendance(event.sessions[0], record_key=0)
    assert published(5, 0) == 5 and published(6, 200) == 7
    assert "5 of 10" in " ".join(client.get(f"/programmes/{programme.id}").text.split())
    assert any(key[0] == "reports/programme.html" for key in fragments.cache._entries)
    make_attendance(event.sessions[0], record_key=200)
    assert "7 of 10" in " ".join(client.get(f"/programmes/{programme.id}").text.split())
