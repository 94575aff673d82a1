"""Every browser test runs with the real Content-Security-Policy on and fails on any violation."""

import pytest

from tests.browser.helpers import assert_no_csp_violations, watch_csp


@pytest.fixture(autouse=True)
def _no_csp_violations(request):
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    violations = watch_csp(page)
    yield
    assert_no_csp_violations(violations)


@pytest.fixture
def csp_violations(page):
    """The live list of violations, for a test that wants to look at it itself."""
    return watch_csp(page)
