import pytest


@pytest.fixture
def client(app):
    """A test client that reads English pages (assertions quote the msgids); other clients get nb."""
    test_client = app.test_client()
    with test_client.session_transaction() as session:
        session["lang"] = "en"
    return test_client
