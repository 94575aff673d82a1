import pytest
from flask_babel import force_locale


@pytest.fixture(autouse=True)
def english(app):
    """Messages are asserted in English (the msgid); the catalogues hold nb and nn."""
    with force_locale("en"):
        yield
