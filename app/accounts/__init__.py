"""People, roles, municipalities, sign-in, profile and consent."""

