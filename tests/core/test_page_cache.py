"""Public pages kept while the tables they read are unchanged (app/core/page_cache.py), and the
table versions every committed write bumps (app/core/table_versions.py).

These tests commit for real: a kept page's version query takes a connection of its own, which the
suite's one rolled-back transaction would hide everything from."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core import page_cache
from app.core.table_versions import TableVersion
from app.events.models import Event
from app.extensions import db
from app.reports.models import ProgrammeCell
from config import TestConfig
from tests.conftest import IsolatedClient, sign_in_as
from tests.factories import (
    make_call,
    make_card_holder,
    make_event,
    make_organiser,
    make_proposal,
    make_registration,
    make_user,
)
from tests.factories.reports import make_programme

pytestmark = pytest.mark.commits


class KeepingConfig(TestConfig):
    JIWAR_PAGE_CACHE_ENTRIES = 64


@pytest.fixture
def keeping_app(another_app):
    kept_app = another_app(KeepingConfig)
    kept_app.test_client_class = IsolatedClient
    return kept_app


@pytest.fixture(autouse=True)
def still_clock(monkeypatch):
    """The kept pages' minute stands still unless a test turns it (a test straddling a minute would
    otherwise see a page rendered again)."""
    now = page_cache.utcnow()
    monkeypatch.setattr(page_cache, "utcnow", lambda: now)
    return now


@pytest.fixture
def visitor(keeping_app):
    """Someone who carries nothing: no cookie, no session."""
    return keeping_app.test_client(use_cookies=False)


def versions() -> dict[str, int]:
    db.session.rollback()
    return dict(db.session.execute(sa.select(TableVersion.table_name, TableVersion.version)).all())


def served_from_kept(visitor, path: str):
    """The page, and whether it came from what was kept rather than from the app."""
    hits = page_cache.counts.hits
    page = visitor.get(path)
    return page, page_cache.counts.hits == hits + 1


def test_a_page_is_kept_until_a_write_changes_what_it_shows(visitor, oujda):
    make_event(oujda, title="Atelier cuisine")
    first, kept = served_from_kept(visitor, "/fr/events")
    assert first.status_code == 200 and "Atelier cuisine" in first.text and not kept
    again, kept = served_from_kept(visitor, "/fr/events")
    assert kept and again.data == first.data and again.headers["ETag"] == first.headers["ETag"]

    make_event(oujda, title="Fresque du quartier")
    changed, kept = served_from_kept(visitor, "/fr/events")
    assert not kept and "Fresque du quartier" in changed.text and "Atelier cuisine" in changed.text
    assert changed.headers["ETag"] != first.headers["ETag"]


def test_a_support_given_through_the_app_shows_at_once_to_every_visitor(keeping_app, visitor, oujda):
    call = make_call(oujda, phase="support")
    proposal = make_proposal(call, make_user(), title="Jardin partagé")
    path = f"/fr/proposals/{proposal.id}"
    assert '<strong>0</strong>' in visitor.get(path).text
    assert served_from_kept(visitor, path)[1]

    resident = sign_in_as(keeping_app.test_client(), make_user())
    assert resident.post(f"/fr/proposals/{proposal.id}/support").status_code == 303
    page, kept = served_from_kept(visitor, path)
    assert not kept and '<strong>1</strong>' in page.text


def test_a_write_to_a_table_the_page_does_not_read_keeps_it(visitor, oujda):
    make_event(oujda, title="Atelier cuisine")
    visitor.get("/fr/events")
    before = versions()
    make_user()  # an account: the events list reads no user row
    assert versions()["user"] == before.get("user", 0) + 1
    assert served_from_kept(visitor, "/fr/events")[1]


def test_the_minute_turning_renders_the_page_again(visitor, oujda, monkeypatch, still_clock):
    make_event(oujda, title="Atelier cuisine")
    visitor.get("/fr/events")
    assert served_from_kept(visitor, "/fr/events")[1]
    monkeypatch.setattr(page_cache, "utcnow", lambda: still_clock + timedelta(seconds=61))
    assert not served_from_kept(visitor, "/fr/events")[1]


def test_signed_in_people_and_htmx_get_the_app_never_a_kept_page(keeping_app, visitor, oujda):
    event = make_event(oujda, title="Atelier cuisine")
    path = f"/fr/events/{event.id}"
    visitor.get(path)
    organiser = sign_in_as(keeping_app.test_client(), make_organiser(oujda))
    page, kept = served_from_kept(organiser, path)
    assert not kept and page.headers["Cache-Control"] == "no-store"
    fragment, kept = served_from_kept(visitor, "/fr/events?type=workshop")
    assert not kept
    _, kept = served_from_kept(visitor, f"{path}?x=1")
    assert not kept  # another address
    hits = page_cache.counts.hits
    assert visitor.get(path, headers={"HX-Request": "true"}).status_code == 200
    etag = visitor.get(path).headers["ETag"]
    assert visitor.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert page_cache.counts.hits == hits + 1  # only the plain request


def test_a_host_outside_the_trusted_ones_is_refused_whatever_was_kept(visitor, oujda):
    make_event(oujda, title="Atelier cuisine")
    visitor.get("/fr/events")
    refused = visitor.get("/fr/events", headers={"Host": "evil.example"})
    assert refused.status_code == 400 and "Atelier cuisine" not in refused.text


def test_a_rolled_back_write_bumps_nothing_and_a_commit_bumps_what_it_wrote(oujda):
    event = make_event(oujda, title="Atelier cuisine")
    before = versions()
    db.session.get(Event, event.id).title_fr = "Changé"
    db.session.flush()
    db.session.rollback()
    assert versions() == before
    db.session.get(Event, event.id).title_fr = "Changé"
    db.session.commit()
    after = versions()
    assert after["event"] == before["event"] + 1
    assert {name for name in after if after[name] != before.get(name)} == {"event"}


def test_a_check_in_bumps_the_programme_totals_it_upserts(oujda):
    from app.events import services

    programme = make_programme([oujda])
    event = make_event(oujda, programme_id=programme.id, starts_in=timedelta(hours=-1))
    person = make_card_holder(municipality=oujda)
    make_registration(event, person)
    before = versions()
    services.check_in(make_organiser(oujda), event.sessions[0], person.id)
    after = versions()
    assert after["attendance"] > before.get("attendance", 0)
    assert after["programme_cell"] > before.get("programme_cell", 0)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgrammeCell)) > 0


def test_a_worker_keeps_at_most_its_count_the_least_recently_given_going_first(keeping_app, visitor, oujda):
    keeping_app.wsgi_app.entries = 2
    events = [make_event(oujda) for _ in range(3)]
    paths = [f"/fr/events/{event.id}" for event in events]
    for path in paths[:2]:
        visitor.get(path)
    assert served_from_kept(visitor, paths[0])[1]  # the first given again: the second is now the oldest
    visitor.get(paths[2])
    assert served_from_kept(visitor, paths[0])[1] and served_from_kept(visitor, paths[2])[1]
    assert not served_from_kept(visitor, paths[1])[1]


def test_without_the_version_query_the_app_answers_itself(keeping_app, visitor, oujda, tmp_path):
    make_event(oujda, title="Atelier cuisine")
    keeping_app.wsgi_app._engine = sa.create_engine(f"sqlite:///{tmp_path}/no/such/folder.sqlite3")
    page = visitor.get("/fr/events")
    assert page.status_code == 200 and "Atelier cuisine" in page.text
