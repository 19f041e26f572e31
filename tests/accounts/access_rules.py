"""Access rules for the home page, the language switch, the workspace and the account pages."""

from tests.access.rules import Route, everyone, only

STAFF = ("organiser_other", "organiser", "reviewer_other", "reviewer", "admin")


def build_world(oujda, la_marsa, cast) -> dict:
    return {}


RULES = [
    Route("GET", "main.home", "/", everyone(200)),
    Route("POST", "main.set_language", "/language", everyone(303), data={"language": "ar", "next": "/"}),
    Route("GET", "main.workspace", "/workspace", only(200, *STAFF)),
    Route("GET", "accounts.sign_in", "/sign-in", everyone(200)),
    Route("POST", "accounts.sign_in", "/sign-in", everyone(200)),
    Route("GET", "accounts.sign_up", "/sign-up", everyone(200)),
    Route("POST", "accounts.sign_up", "/sign-up", everyone(200)),
    Route("POST", "accounts.sign_out", "/sign-out", everyone(303)),
    Route("GET", "accounts.profile", "/me", everyone(200)),
    Route("GET", "accounts.admin_people", "/admin/people", everyone(200)),
]

