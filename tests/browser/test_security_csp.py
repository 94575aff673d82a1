"""The Content-Security-Policy is on in the browser, and the watch every browser test uses sees a
violation when one happens."""

import pytest

pytestmark = pytest.mark.browser


def test_an_injected_inline_script_is_refused_and_reported(page, live_server, csp_violations):
    response = page.goto(live_server.url + "/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]

    page.evaluate(
        """() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true';
                  document.body.appendChild(s); }"""
    )
    page.wait_for_timeout(200)

    assert page.evaluate("() => window.__ran === true") is False
    assert len(csp_violations) >= 1
    assert "script-src" in csp_violations[0]
    csp_violations.clear()  # seen and expected: the autouse check must not fail this test


def test_the_login_page_loads_without_violations(page, live_server, csp_violations):
    page.goto(live_server.url + "/login")
    page.fill("input[name=email]", "nobody@example.test")

    assert page.locator("form#login-form").count() == 1
    assert csp_violations == []
