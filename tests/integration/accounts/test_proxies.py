"""X-Forwarded-For is believed only for TRUSTED_PROXY_HOPS proxies (ProxyFix in create_app)."""

import pytest
from flask import request
from sqlalchemy import select

from compete import create_app
from compete.accounts.models import LoginAttempt
from compete.extensions import db
from tests.factories import make_user
from tests.factories_accounts import PASSWORD

FORWARDED = {"X-Forwarded-For": "203.0.113.9, 198.51.100.7", "X-Forwarded-Proto": "https, https"}


def client_address(hops: int) -> tuple[str, str]:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", TRUSTED_PROXY_HOPS=hops)
    app.add_url_rule("/_whoami", "whoami", lambda: f"{request.remote_addr} {request.scheme}")
    response = app.test_client().get("/_whoami", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    return tuple(response.get_data(as_text=True).split())


@pytest.mark.parametrize(
    ("hops", "address", "scheme"),
    [(0, "10.0.0.1", "http"), (1, "198.51.100.7", "https"), (2, "203.0.113.9", "https")],
)
def test_forwarded_for_is_honoured_for_exactly_the_configured_hops(hops, address, scheme):
    assert client_address(hops) == (address, scheme)


def test_default_ignores_forwarded_for_when_counting_login_attempts(app):
    assert app.config["TRUSTED_PROXY_HOPS"] == 0
    user = make_user("proxied@example.test")
    app.test_client().post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.50"},
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )
    assert db.session.scalars(select(LoginAttempt.ip)).all() == ["10.9.8.7"]
