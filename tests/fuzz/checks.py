"""What every fuzzed response must be, and what the database must still hold after it."""

import sqlalchemy as sa

from app.extensions import db
from tests.fuzz.values import SCRIPT
from tests.transactions import database_connection

PROPER = {200, 302, 303, 400, 401, 403, 404, 405, 409, 410, 413, 422, 429}  # 401: an unsigned receipt
PAGE_TYPES = {"text/html", "text/csv", "application/json", "text/calendar", "application/pdf", "image/png",
              "image/svg+xml", "text/javascript", "application/zip",
              "image/jpeg", "image/webp", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def assert_proper(response, htmx: bool = False) -> None:
    """Never a 500: a page, a redirect on this site, or a translated 4xx page (a fragment for htmx)."""
    status = response.status_code
    assert status in PROPER, f"{status}: {response.get_data(as_text=True)[:500]}"
    if status in (302, 303):
        location = response.headers["Location"]
        assert location.startswith("/") and not location.startswith("//") or location.startswith(
            "http://localhost/"
        ), location
        return
    assert response.mimetype in PAGE_TYPES, response.mimetype
    if response.mimetype == "text/html":
        body = response.get_data(as_text=True)
        assert SCRIPT not in body, "typed text reached the page unescaped"
        assert "Traceback" not in body and "sqlalchemy" not in body.lower()
        if status >= 400 and not htmx:
            assert "<html" in body, "an error is a whole translated page"


def refused(response) -> bool:
    """A form sent back: an error status, or (htmx swaps only 2xx answers) a 200 fragment that
    shows the form's errors."""
    if response.status_code >= 400:
        return True
    body = response.get_data(as_text=True)
    return response.status_code == 200 and ('class="field-error"' in body or 'class="errors"' in body)


def row_counts() -> tuple[int, ...]:
    """Every table's row count in one statement: cheap enough to take around each request."""
    tables = db.metadata.sorted_tables
    counts = [sa.select(sa.func.count()).select_from(table).scalar_subquery() for table in tables]
    with database_connection() as connection:
        return tuple(connection.execute(sa.select(*counts)).one())


COUNTERS = {
    "event confirmed_count": """
        SELECT e.id FROM event e WHERE e.confirmed_count <> (SELECT COUNT(*) FROM registration r
        WHERE r.event_id = e.id AND r.status = 'confirmed')""",
    "event waiting_count": """
        SELECT e.id FROM event e WHERE e.waiting_count <> (SELECT COUNT(*) FROM registration r
        WHERE r.event_id = e.id AND r.status = 'waiting')""",
    "event over capacity": "SELECT id FROM event WHERE capacity IS NOT NULL AND confirmed_count > capacity",
    "proposal support_count": """
        SELECT p.id FROM proposal p WHERE p.support_count <> (SELECT COUNT(*) FROM support s
        WHERE s.proposal_id = p.id)""",
}


def assert_counters_hold() -> None:
    with database_connection() as connection:
        for name, sql in COUNTERS.items():
            wrong = connection.execute(sa.text(sql)).scalars().all()
            assert wrong == [], f"{name} disagrees with the rows for ids {wrong}"
