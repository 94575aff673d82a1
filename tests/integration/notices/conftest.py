"""One Schematron validator per test process: compiling and loading the eForms rules takes ~25 s, so it
happens once per session (the compiled XSLT is cached on disk under instance/eforms between runs)."""

from pathlib import Path

import pytest

from compete.notices import validation
from config import Config


@pytest.fixture(scope="session")
def eforms_cache() -> Path:
    """The app's own cache folder, so that the worker job below finds the loaded validator."""
    return Path(Config.EFORMS_CACHE_DIR)


@pytest.fixture(scope="session")
def schematron(eforms_cache):
    return validation.validator(eforms_cache)
