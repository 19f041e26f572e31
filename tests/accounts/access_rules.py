"""Access rules for the home page, the language switch, the workspace and the account pages."""

from tests.access.rules import Route, everyone, only, signed_in

STAFF = ("organiser_other", "organiser", "reviewer_other", "reviewer", "admin")
DESK = ("organiser_other", "organiser", "admin")  # organisers of any municipality, and administrators


def OTHER_DESK(status: int) -> dict[str, int]:  # noqa: N802 - reads as a table column
    return {**only(status, *DESK), "organiser_other": 404}


def build_world(oujda, la_marsa, cast) -> dict:
    from app.accounts.models import Role
    from tests.factories.accounts import make_reset_token, make_user

    person = make_user("Desk visitor", phone="+212612345678", municipality=oujda)  # a resident of Oujda
    staffer = make_user("New organiser", roles=[(Role.ORGANISER, oujda)])
    return {
        "person": person,
        "staffer": staffer,
        "assignment": staffer.roles[0],
        "reset_token": make_reset_token(person),
    }


def anonymous_only(status: int = 200) -> dict[str, int]:
    """Sign-in and sign-up pages: a signed-in person is sent on (302)."""
    return {**everyone(302), "anonymous": status}


# The cast's administrator is the only one: deleting their account is refused (the page again, 200).
DELETE_ACCOUNT = {"password": "correct horse battery", "confirm": "y"}

NEW_PASSWORD = {"password": "a new long passphrase", "confirm": "a new long passphrase"}

RULES = [
    Route("GET", "main.home", "/", everyone(200)),
    # The cast's accounts are all confirmed: the confirmation page sends them on.
    Route("GET", "accounts.confirm_account", "/confirm", signed_in(303)),
    Route("POST", "accounts.confirm_account", "/confirm", signed_in(303), data={"code": "123456"}),
    Route("POST", "accounts.confirm_again", "/confirm/again", signed_in(303)),
    Route("GET", "accounts.confirm_link", "/confirm/not-a-link", everyone(404)),
    Route("GET", "main.workspace", "/workspace", only(200, *STAFF)),
    Route("GET", "accounts.sign_in", "/sign-in", anonymous_only(200)),
    Route("POST", "accounts.sign_in", "/sign-in", everyone(200),
          data={"identifier": "nobody@example.org", "password": "not the password"}),
    Route("GET", "accounts.sign_up", "/sign-up", anonymous_only(200)),
    Route("POST", "accounts.sign_up", "/sign-up", everyone(200), data={"display_name": ""}),
    Route("POST", "accounts.sign_out", "/sign-out", everyone(303)),
    Route("GET", "accounts.forgot_password", "/forgot-password", everyone(200)),
    Route("POST", "accounts.forgot_password", "/forgot-password", everyone(303),
          data={"identifier": "+212612345678"}),
    Route("GET", "accounts.open_reset_link", "/reset/{reset_token}", everyone(303)),
    Route("GET", "accounts.reset_password", "/reset", everyone(200), opened_first="/reset/{reset_token}"),
    Route("POST", "accounts.reset_password", "/reset", everyone(303), data=NEW_PASSWORD,
          opened_first="/reset/{reset_token}"),
    Route("GET", "accounts.profile", "/me", signed_in(200)),
    Route("POST", "accounts.profile", "/me", signed_in(303),
          data={"display_name": "Renamed", "preferred_locale": "fr", "municipality": ""}),
    Route("GET", "accounts.change_password", "/me/password", signed_in(200)),
    Route("POST", "accounts.change_password", "/me/password", signed_in(200), data={"current_password": "x"}),
    Route("GET", "accounts.participation", "/me/participation", signed_in(200)),
    Route("POST", "accounts.participation", "/me/participation", signed_in(200), data={"gender": "woman"}),
    Route("POST", "accounts.give_consent", "/me/participation/consent", signed_in(303),
          data={"consent": "y"}),
    Route("POST", "accounts.withdraw_consent", "/me/participation/withdraw", signed_in(303)),
    Route("GET", "accounts.my_data", "/me/data", signed_in(200)),
    Route("POST", "privacy.download_my_data", "/me/data/download", signed_in(200)),
    Route("GET", "privacy.delete_account", "/me/delete", signed_in(200)),
    Route("POST", "privacy.delete_account", "/me/delete", {**signed_in(303), "admin": 200},
          data=DELETE_ACCOUNT),
    Route("GET", "accounts.audit_log", "/admin/audit", only(200, "admin")),
    Route("GET", "accounts.admin_municipalities", "/admin/municipalities", only(200, "admin")),
    Route("GET", "accounts.new_municipality", "/admin/municipalities/new", only(200, "admin")),
    Route("POST", "accounts.new_municipality", "/admin/municipalities/new", only(303, "admin"),
          data={"name_fr": "Nador", "slug": "nador", "country_code": "MA"}),
    Route("GET", "accounts.edit_municipality", "/admin/municipalities/{oujda.id}/edit", only(200, "admin")),
    Route("POST", "accounts.edit_municipality", "/admin/municipalities/{oujda.id}/edit", only(303, "admin"),
          data={"name_fr": "Oujda", "slug": "oujda", "country_code": "MA"}),
    Route("GET", "accounts.admin_people", "/admin/people", only(200, "admin")),
    Route("GET", "accounts.admin_person", "/admin/people/{person.id}", only(200, "admin")),
    Route("POST", "accounts.grant_role", "/admin/people/{person.id}/roles", only(303, "admin"),
          data={"role": "reviewer", "municipality": "{oujda.id}"}),
    Route("POST", "accounts.withdraw_role", "/admin/people/{staffer.id}/roles/{assignment.id}/withdraw",
          only(303, "admin")),
    Route("POST", "accounts.disable_account", "/admin/people/{person.id}/disable", only(303, "admin")),
    Route("POST", "accounts.enable_account", "/admin/people/{person.id}/enable", only(303, "admin")),
    Route("POST", "accounts.admin_reset_link", "/admin/people/{person.id}/reset-link", only(200, "admin")),
    # Password links at the desk (served by the events desk): La Marsa's organiser does not find
    # Oujda's resident, and every action on them is a 404 that writes nothing.
    Route("GET", "events.desk_accounts", "/accounts/desk?q=0612", only(200, *DESK)),
    Route("GET", "events.desk_account", "/accounts/desk/{person.id}", OTHER_DESK(200)),
    Route("POST", "events.desk_reset_link", "/accounts/desk/{person.id}/reset-link", OTHER_DESK(200),
          data={"said": "5678"}),  # the last 4 digits of the person's phone, as they say them
    Route("POST", "events.desk_reset_link", "/accounts/desk/{person.id}/reset-link", OTHER_DESK(422),
          data={"said": "1234"}),
]
