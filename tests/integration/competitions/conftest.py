import pytest


@pytest.fixture(autouse=True)
def english(client):
    """Pages are read in English (the msgid); the catalogues hold nb and nn."""
    with client.session_transaction() as session:
        session["lang"] = "en"
