"""Signed unsubscribe tokens: the person and the topic, no expiry (a link in an old message must still
stop that topic), nothing secret in them."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="jiwar-unsubscribe")


def unsubscribe_token(participant_id: int, topic: str) -> str:
    return _serializer().dumps([participant_id, topic])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        participant_id, topic = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(participant_id, int) or not isinstance(topic, str):
        return None
    return participant_id, topic
