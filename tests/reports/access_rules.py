"""Access rules for programmes, targets, reports and exports."""

from app.extensions import db
from tests.access.rules import Route, everyone, only, signed_in
from tests.factories import make_call, make_event, make_programme, make_target


def build_world(oujda, la_marsa, cast) -> dict:
    programme = make_programme([oujda], name="Initiative 3H — Oujda")
    hidden = make_programme([oujda], name="Programme interne", is_public=False)
    target = make_target(programme)
    event = make_event(oujda)
    attached = make_event(oujda, programme_id=programme.id)
    call = make_call(oujda)
    db.session.commit()
    return {
        "programme": programme,
        "private_programme": hidden,
        "target": target,
        "free_event": event,
        "attached_event": attached,
        "attached_call": call,
    }


def _private() -> dict[str, int]:
    """A programme that is not public: its administrators and the organisers of its municipalities."""
    return only(200, "organiser", "admin")


ADMIN_ONLY = only(200, "admin")
ADMIN_REDIRECT = only(303, "admin")
REPORTERS = only(200, "organiser", "organiser_other", "admin")
GOOD_PROGRAMME = {
    "name_fr": "Nouveau programme",
    "starts_on": "2026-01-01",
    "ends_on": "2026-12-31",
    "municipality_ids": "{oujda.id}",
    "description_fr": "",
}
GOOD_TARGET = {"title_fr": "Personnes", "measure": "people", "goal": "100"}

RULES = [
    Route("GET", "reports.list_programmes", "/programmes", everyone(200)),
    Route("GET", "reports.new_programme", "/programmes/new", ADMIN_ONLY),
    Route("POST", "reports.new_programme", "/programmes/new", ADMIN_REDIRECT, data=GOOD_PROGRAMME),
    Route("GET", "reports.show_programme", "/programmes/{programme.id}", everyone(200)),
    Route("GET", "reports.edit_programme", "/programmes/{programme.id}/edit", ADMIN_ONLY),
    Route(
        "POST",
        "reports.edit_programme",
        "/programmes/{programme.id}/edit",
        ADMIN_REDIRECT,
        data=GOOD_PROGRAMME,
    ),
    Route("POST", "reports.delete_programme", "/programmes/{private_programme.id}/delete", ADMIN_REDIRECT),
    Route("GET", "reports.new_target", "/programmes/{programme.id}/targets/new", ADMIN_ONLY),
    Route(
        "POST",
        "reports.new_target",
        "/programmes/{programme.id}/targets/new",
        ADMIN_REDIRECT,
        data=GOOD_TARGET,
    ),
    Route("GET", "reports.edit_target", "/programmes/{programme.id}/targets/{target.id}/edit", ADMIN_ONLY),
    Route(
        "POST",
        "reports.edit_target",
        "/programmes/{programme.id}/targets/{target.id}/edit",
        ADMIN_REDIRECT,
        data=GOOD_TARGET,
    ),
    Route(
        "POST",
        "reports.delete_target",
        "/programmes/{programme.id}/targets/{target.id}/delete",
        ADMIN_REDIRECT,
    ),
    Route("GET", "reports.programme_links", "/programmes/{programme.id}/links", ADMIN_ONLY),
    Route(
        "POST",
        "reports.change_link",
        "/programmes/{programme.id}/links",
        ADMIN_REDIRECT,
        data={"kind": "event", "action": "attach", "object_id": "{free_event.id}"},
    ),
    Route(
        "GET",
        "reports.donor_report",
        "/programmes/{programme.id}/donor-report.xlsx",
        only(200, "organiser", "admin"),
    ),
    Route("GET", "reports.show_report", "/reports", REPORTERS),
    Route("GET", "reports.desk_report", "/reports/desk", REPORTERS),
    Route("GET", "reports.export_report", "/reports/export/gender.csv", REPORTERS),
]

# Not the route table (one rule per endpoint), but checked by tests/reports/test_access.py:
EXTRA = [
    Route("GET", "reports.show_programme", "/programmes/{private_programme.id}", _private()),
    Route("GET", "reports.show_programme", "/programmes/{programme.id}?exact=1", everyone(200)),
    Route("GET", "reports.export_report", "/reports/export/crossed.xlsx", REPORTERS),
    Route(
        "GET",
        "reports.donor_report",
        "/programmes/{private_programme.id}/donor-report.xlsx",
        only(200, "organiser", "admin"),
    ),
    Route("GET", "reports.show_programme", "/programmes/999999", {**everyone(404)}),
    Route("GET", "reports.edit_programme", "/programmes/999999/edit", signed_in(404)),
]
