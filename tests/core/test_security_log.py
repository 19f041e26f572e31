"""Sign-ins, refusals and rate limits reach the operators' log, with ids and no personal data."""

import logging

from app.cli import jiwar_cli
from tests.conftest import sign_in_as
from tests.factories import PASSWORD, make_user


def _security_lines(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "jiwar.security"]


def test_sign_ins_are_logged_by_account_id_never_by_identifier(client, caplog):
    person = make_user(email="aicha@example.org", phone="+212600000009")
    with caplog.at_level(logging.WARNING, logger="jiwar.security"):
        client.post("/sign-in", data={"identifier": "aicha@example.org", "password": "wrong password"})
        client.post("/sign-in", data={"identifier": "aicha@example.org", "password": PASSWORD})
    lines = _security_lines(caplog)
    assert any("sign_in.failed" in line for line in lines)
    assert any("sign_in.succeeded" in line and f"user={person.id}" in line for line in lines)
    assert "aicha@example.org" not in caplog.text and "+212600000009" not in caplog.text
    assert "127.0.0.1" not in caplog.text  # the client shows as a keyed digest


def test_a_refused_page_is_logged_with_who_and_where(client, caplog):
    resident = make_user()
    sign_in_as(client, resident)
    with caplog.at_level(logging.WARNING, logger="jiwar.security"):
        assert client.get("/admin/people").status_code == 403
    (line,) = [line for line in _security_lines(caplog) if "access.denied" in line]
    assert f"user={resident.id}" in line and "endpoint=accounts.admin_people" in line


def test_the_demo_data_cannot_be_loaded_with_the_production_settings(app, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    result = app.test_cli_runner().invoke(jiwar_cli, ["seed-demo"])
    assert result.exit_code != 0 and "refused with the production settings" in result.output
