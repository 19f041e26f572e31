"""People, roles, municipalities, sign-in, profile and consent."""

from app.accounts import cli  # noqa: F401 - adds `flask jiwar create-admin`
