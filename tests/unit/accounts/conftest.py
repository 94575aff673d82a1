import pytest
from flask_babel import force_locale


@pytest.fixture(autouse=True)
def _english(request):
    """Messages are compared with their English msgids; the nb/nn texts are tested in integration tests."""
    if "app" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("app")
    with force_locale("en"):
        yield
