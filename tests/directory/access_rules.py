"""Access rules for the directory: public pages for everyone (a staff-only entry is a 404 there for
everyone), reports for signed-in residents, the municipality's work for its organisers and the
administrators (another municipality's organiser: 404, naming nothing)."""

from tests.access.rules import SIGN_IN_REDIRECT, Route, everyone, only, signed_in
from tests.factories import make_service

EDITORS = ("organiser", "admin")


def build_world(oujda, la_marsa, cast) -> dict:
    entry = make_service(oujda)
    shelter = make_service(oujda, sensitivity="staff", name={"fr": "Refuge"})
    from tests.factories.directory import make_report

    return {"entry": entry, "shelter": shelter, "entry_report": make_report(entry, cast["resident"])}


def editors(status: int) -> dict[str, int]:
    """The municipality's organisers and administrators; another municipality's organiser gets the
    same 404 as a missing entry, the roles without directory work a 403... here a 404 too, as the
    entry is looked up before the role."""
    return {
        "anonymous": SIGN_IN_REDIRECT,
        "resident": 404,
        "organiser_other": 404,
        "organiser": status,
        "reviewer_other": 404,
        "reviewer": 404,
        "admin": status,
    }


SERVICE_FORM = {"name_fr": "", "provider_name": "", "municipality_id": "{oujda.id}"}

RULES = [
    Route("GET", "directory.list_services", "/directory/", everyone(200)),
    Route("GET", "directory.show_service", "/directory/{entry.id}", everyone(200)),
    Route("GET", "directory.show_service", "/directory/{shelter.id}", everyone(404)),
    Route("GET", "directory.brochure", "/directory/brochure?municipality=oujda", everyone(200)),
    Route("GET", "directory.service_worker", "/directory/offline.js", everyone(200)),
    Route("GET", "directory.export_json", "/directory/hsds.json", everyone(200)),
    Route("GET", "directory.export_csv", "/directory/hsds-csv.zip", everyone(200)),
    Route("GET", "directory.report_service", "/directory/{entry.id}/report", signed_in(200)),
    Route(
        "POST",
        "directory.report_service",
        "/directory/{entry.id}/report",
        signed_in(422),
        data={"reason": ""},
    ),
    Route("GET", "directory.manage_services", "/manage/directory/", only(200, *EDITORS, "organiser_other")),
    Route("GET", "directory.create_service", "/manage/directory/new", only(200, *EDITORS, "organiser_other")),
    Route(
        "POST",
        "directory.create_service",
        "/manage/directory/new",
        only(422, *EDITORS, "organiser_other"),
        data=SERVICE_FORM,
    ),
    Route("GET", "directory.staff_service", "/manage/directory/{shelter.id}", editors(200)),
    Route("GET", "directory.edit_service", "/manage/directory/{entry.id}/edit", editors(200)),
    Route(
        "POST", "directory.edit_service", "/manage/directory/{entry.id}/edit", editors(422), data=SERVICE_FORM
    ),
    Route("POST", "directory.verify_service", "/manage/directory/{entry.id}/verify", editors(303)),
    Route("GET", "directory.retire_service", "/manage/directory/{entry.id}/retire", editors(200)),
    Route("POST", "directory.retire_service", "/manage/directory/{entry.id}/retire", editors(303)),
    Route(
        "POST",
        "directory.resolve_report",
        "/manage/directory/reports/{entry_report.id}/resolve",
        editors(303),
    ),
    Route("GET", "directory.exchange", "/manage/directory/exchange", only(200, *EDITORS, "organiser_other")),
    Route("POST", "directory.exchange", "/manage/directory/exchange", only(422, *EDITORS, "organiser_other")),
]
