import pytest

from compete.identity import oidc
from tests.oidc_provider import OidcProvider

PID_KEY = "test-pid-hash-key"


@pytest.fixture(scope="session")
def oidc_server():
    server = OidcProvider().start()
    yield server
    server.stop()


@pytest.fixture
def provider(oidc_server):
    oidc_server.reset()
    oidc.clear_cache()
    yield oidc_server
    oidc.clear_cache()


@pytest.fixture
def idporten(app, provider, monkeypatch):
    """ID-porten configured against the local provider."""
    for key, value in {
        "IDPORTEN_ISSUER": provider.url,
        "IDPORTEN_CLIENT_ID": provider.client_id,
        "IDPORTEN_CLIENT_SECRET": provider.client_secret,
        "IDPORTEN_PID_HASH_KEY": PID_KEY,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return provider


@pytest.fixture
def client(app):
    """English pages (assertions quote the msgids)."""
    test_client = app.test_client()
    with test_client.session_transaction() as session:
        session["lang"] = "en"
    return test_client
