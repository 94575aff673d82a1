"""One Schematron validator per test process: compiling and loading the eForms rules takes ~25 s, so it
happens once per session (the compiled XSLT is cached on disk under instance/eforms between runs)."""

from pathlib import Path

import pytest

from compete import ROOT
from compete.notices import validation


@pytest.fixture(scope="session")
def eforms_cache() -> Path:
    return ROOT / "instance" / "eforms"


@pytest.fixture(scope="session")
def schematron(eforms_cache):
    return validation.validator(eforms_cache)
