"""Loading the signed-in person: the session carries "id:session_version", so bumping the version
ends every session of that person on their next request."""

from app.extensions import db


def load_user(session_id: str):
    from app.accounts.models import User

    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or user.is_disabled:
        return None
    return user
