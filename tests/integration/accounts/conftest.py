import pytest

from tests.fake_brreg import fake_register  # noqa: F401 - the fake Enhetsregisteret, a fixture


@pytest.fixture
def client(app):
    """A test client that reads English pages (assertions quote the msgids); other clients get nb."""
    test_client = app.test_client()
    with test_client.session_transaction() as session:
        session["lang"] = "en"
    return test_client
