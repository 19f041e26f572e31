"""The vocabulary of the access tables: each domain lists its routes in tests/<domain>/access_rules.py.

A rule names a method and an endpoint, a URL pattern filled from the domain's world (objects of
Oujda, built by its `build_world`), and the exact status each of the seven roles gets.
"""

from dataclasses import dataclass, field

from tests.factories import ROLES

SIGN_IN_REDIRECT = 302  # Flask-Login sends anonymous visitors to the sign-in page


@dataclass(frozen=True)
class Route:
    method: str
    endpoint: str
    url: str  # e.g. "/manage/events/{event.id}/edit", formatted with the world's objects
    expect: dict[str, int]
    data: dict = field(default_factory=dict)  # form sent with a POST
    opened_first: str = ""  # a URL the same client opens first (a password link before its form)
    # Carries its own proof, so no session and no CSRF token: a gateway's signed call, or a signed link
    # posted as it is (an unsubscribe link's one-click POST, RFC 8058).
    signed: bool = False

    def __post_init__(self):
        assert set(self.expect) == set(ROLES), f"{self.endpoint}: give a status for every role"

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}"


def everyone(status: int = 200) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int = 200) -> dict[str, int]:
    return {**dict.fromkeys(ROLES, status), "anonymous": SIGN_IN_REDIRECT}


def only(status: int, *roles: str, denied: int = 403) -> dict[str, int]:
    """`status` for the named roles, `denied` for the other signed-in roles, sign-in for anonymous."""
    expect = {role: (status if role in roles else denied) for role in ROLES}
    expect["anonymous"] = status if "anonymous" in roles else SIGN_IN_REDIRECT
    return expect


def client_as(app, world, role, route: Route | None = None):
    """A test client signed in as `role` of the world's cast (anonymous: not signed in), having
    opened the route's `opened_first` URL."""
    from tests.conftest import sign_in_as

    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    if world["cast"][role] is not None:
        sign_in_as(client, world["cast"][role])
    if route is not None and route.opened_first:
        client.get(route.opened_first.format(**world))
    return client


def filled(route: Route, world: dict) -> tuple[str, dict]:
    """The route's URL and form with the world's objects put in."""
    data = {key: value.format(**world) if isinstance(value, str) else value
            for key, value in route.data.items()}
    return route.url.format(**world), data
