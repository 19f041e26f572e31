"""The audit log page for administrators: every action named, filters, pages, nothing for others."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.accounts.audit_actions import ACTION_LABELS
from app.core.audit import record_audit
from app.extensions import db
from tests.accounts.helpers import translated
from tests.conftest import sign_in_as
from tests.factories import make_admin, make_municipality, make_organiser, make_reviewer, make_user
from tests.query_count import count_queries

APP = Path(__file__).resolve().parents[2] / "app"
_CALL = re.compile(r"record_audit\(\s*(f?)\"([^\"]+)\"")


def _recorded_actions() -> set[str]:
    """Every action name passed to record_audit in app/; an f-string's {kind} becomes a pattern."""
    found = set()
    for path in APP.rglob("*.py"):
        for is_format, name in _CALL.findall(path.read_text(encoding="utf-8")):
            found.add(re.sub(r"\{[^}]*\}", "*", name) if is_format else name)
    # The conditional one in accounts: "account.disabled" if disabled else "account.enabled".
    for path in APP.rglob("*.py"):
        found.update(re.findall(r"record_audit\(\"([a-z_.]+)\" if", path.read_text(encoding="utf-8")))
        found.update(re.findall(r"else \"([a-z_.]+)\", actor", path.read_text(encoding="utf-8")))
    return found


def test_every_action_recorded_in_the_app_has_a_label():
    recorded = _recorded_actions()
    assert len(recorded) >= 30  # the scan itself works
    for action in recorded:
        if "*" in action:
            pattern = re.compile(re.escape(action).replace(r"\*", "[a-z_]+") + "$")
            assert any(pattern.match(label) for label in ACTION_LABELS), action
        else:
            assert action in ACTION_LABELS, f"{action} has no label in app/accounts/audit_actions.py"
    # The moderation and programme-link patterns expand to these, each with its label.
    for action in (
        "proposal.hidden",
        "comment.restored",
        "programme.call_attached",
        "programme.event_detached",
        "account.disabled",
        "account.enabled",
    ):
        assert action in ACTION_LABELS


def _entry(action, actor=None, target=None, at=None, **details):
    entry = record_audit(action, actor=actor, target=target, **details)
    if at is not None:
        entry.at = at
    db.session.commit()
    return entry


@pytest.fixture
def admin():
    return make_admin(display_name="Salma Admin")


def test_administrators_read_who_did_what(client, admin):
    oujda = make_municipality("oujda")
    organiser = make_organiser(oujda, display_name="Youssef Organiser")
    person = make_user("Fatou")
    _entry("role.granted", actor=admin, target=person, role="organiser", municipality_id=oujda.id)
    _entry("event.attendance_exported", actor=organiser, rows=12)
    _entry("account.made_admin", target=admin, via="cli")
    sign_in_as(client, admin)
    response = client.get("/admin/audit")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    for text in (
        "Role granted",
        "Salma Admin",
        "Attendance list exported",
        "Youssef Organiser",
        "Made an administrator (command line)",
        "The system",
        f"User #{person.id}",
        "<code>rows</code> 12",
        "<code>role</code> organiser",
        "3 entries",
    ):
        assert text in page
    # Newest first.
    page = page.split("<tbody>")[1]
    assert (
        page.index("Made an administrator")
        < page.index("Attendance list exported")
        < page.index("Role granted")
    )


def test_labels_are_translated(app, client, admin):
    _entry("proposal.answered", actor=admin, status="accepted")
    sign_in_as(client, admin)
    for language in ("fr", "ar"):
        page = client.get(f"/{language}/admin/audit")
        assert translated(app, language, "Proposal answered") in page.data
        assert translated(app, language, "Audit log") in page.data


def test_filter_by_action(client, admin):
    _entry("role.granted", actor=admin)
    _entry("account.disabled", actor=admin)
    sign_in_as(client, admin)
    page = client.get("/admin/audit?action=account.disabled").get_data(as_text=True)
    table = page.split("<tbody>")[1]
    assert "1 entry" in page and "Account disabled <span" in table and "Role granted <span" not in table
    assert '<option selected value="account.disabled">' in page


def test_an_unknown_action_is_refused_and_everything_shown(client, admin):
    _entry("role.granted", actor=admin)
    sign_in_as(client, admin)
    page = client.get("/admin/audit?action=drop table").get_data(as_text=True)
    assert "Choose an action from the list." in page and "1 entry" in page


def test_filter_by_date_on_the_readers_clock(client, admin):
    oujda = make_municipality("oujda")
    admin.municipality = oujda  # Africa/Casablanca: UTC+1 in April 2026 (after Ramadan)
    db.session.commit()
    _entry("role.granted", actor=admin, at=datetime(2026, 4, 9, 23, 30, tzinfo=UTC))  # 10 April, 00:30 local
    _entry("role.withdrawn", actor=admin, at=datetime(2026, 4, 11, 9, 0, tzinfo=UTC))
    _entry("account.disabled", actor=admin, at=datetime(2026, 4, 20, 9, 0, tzinfo=UTC))
    sign_in_as(client, admin)
    page = client.get("/admin/audit?since=2026-04-10&until=2026-04-11").get_data(as_text=True)
    table = page.split("<tbody>")[1]
    assert "2 entries" in page and "Role granted <span" in table and "Role withdrawn <span" in table
    assert "Account disabled <span" not in table
    assert "Times in Africa/Casablanca" in page
    assert 'value="2026-04-10"' in page  # the filter is kept in the form


def test_a_malformed_date_says_so_and_is_left_out(client, admin):
    _entry("role.granted", actor=admin)
    sign_in_as(client, admin)
    page = client.get("/admin/audit?since=10/03/2026&until=2026-13-45").get_data(as_text=True)
    assert page.count("Give a date such as 2026-03-31.") == 2 and "1 entry" in page


def test_an_end_before_the_start_is_refused(client, admin):
    _entry("role.granted", actor=admin)
    sign_in_as(client, admin)
    page = client.get("/admin/audit?since=2026-03-10&until=2026-03-01").get_data(as_text=True)
    assert "The end date comes before the start date." in page


def test_pages_keep_the_filters(client, admin, app, monkeypatch):
    monkeypatch.setitem(app.config, "JIWAR_PAGE_SIZE", 2)
    for _ in range(5):
        _entry("role.granted", actor=admin)
    sign_in_as(client, admin)
    page = client.get("/admin/audit?action=role.granted").get_data(as_text=True)
    assert "Page 1 of 3" in page and 'href="/en/admin/audit?action=role.granted&amp;page=2"' in page
    assert "Page 3 of 3" in client.get("/admin/audit?action=role.granted&page=3").get_data(as_text=True)


def test_details_typed_by_a_moderator_are_escaped(client, admin):
    _entry("proposal.hidden", actor=admin, reason="<script>alert(1)</script>")
    sign_in_as(client, admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_deleted_actor_is_shown_as_deleted_account(client, admin):
    from tests.factories import PASSWORD

    other_admin = make_admin(display_name="Karim Parti", email="karim@example.org")
    _entry("role.granted", actor=other_admin)
    sign_in_as(client, other_admin)
    assert client.post("/me/delete", data={"password": PASSWORD, "confirm": "y"}).status_code == 303
    sign_in_as(client, admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Karim" not in page and "Deleted account" in page and "Account deleted" in page


@pytest.mark.parametrize("role", ["organiser", "reviewer", "resident"])
def test_nobody_but_administrators_reads_it(client, role):
    oujda = make_municipality("oujda")
    person = {"organiser": make_organiser, "reviewer": make_reviewer}.get(role, lambda m: make_user())(oujda)
    sign_in_as(client, person)
    assert client.get("/admin/audit").status_code == 403


def _audit_queries(client, admin) -> int:
    sign_in_as(client, admin)
    with count_queries() as queries:
        assert client.get("/en/admin/audit").status_code == 200
    return len(queries)


def test_the_page_runs_the_same_queries_for_1_and_30_entries(client, admin):
    _entry("role.granted", actor=make_user())
    one = _audit_queries(client, admin)
    for _ in range(29):
        _entry("role.granted", actor=make_user(), target=make_user())
    assert _audit_queries(client, admin) == one


def test_the_workspace_links_to_the_log(client, admin):
    sign_in_as(client, admin)
    assert b'href="/en/admin/audit"' in client.get("/workspace").data
