"""Public fragments kept for anonymous visitors: a change shows at once, whoever or whatever made it,
and nothing personal is ever kept."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core import fragments
from app.core.models import DataVersion
from app.core.time import utcnow
from app.events import services
from app.extensions import db
from tests.conftest import sign_in_as
from tests.factories import make_event, make_user
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


def test_a_shared_fragment_refuses_a_csrf_token(app):
    with app.test_request_context("/events"), pytest.raises(RuntimeError, match="CSRF"):
        fragments.shared_fragment("test", lambda: (fragments.csrf_token(), None))


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
