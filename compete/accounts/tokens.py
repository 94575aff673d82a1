"""Signed, expiring tokens for e-mail links, timed by the application clock."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from compete.core.time import now


class _ClockSigner(TimestampSigner):
    """itsdangerous reads time.time(); we read compete.core.time.now() so tests can move the clock."""

    def get_timestamp(self) -> int:
        return int(now().timestamp())


class _ClockSerializer(URLSafeTimedSerializer):
    default_signer = _ClockSigner


class InvalidToken(Exception):
    pass


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return _ClockSerializer(current_app.config["SECRET_KEY"], salt=f"compete.accounts.{purpose}")


def make_token(purpose: str, payload) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int):
    """The payload, or InvalidToken when the signature is wrong or the token is older than max_age seconds."""
    serializer = _serializer(purpose)
    try:
        payload, signed_at = serializer.loads(token, max_age=None, return_timestamp=True)
    except (BadSignature, SignatureExpired) as exc:
        raise InvalidToken(str(exc)) from exc
    age = now().timestamp() - signed_at.timestamp()
    if age > max_age or age < -60:
        raise InvalidToken("expired")
    return payload
