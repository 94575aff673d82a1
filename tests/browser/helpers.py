"""Shared helpers for browser tests: accessibility checks, the content-security-policy watch and
logging in."""

from __future__ import annotations

from urllib.parse import urlsplit

AXE = "/static/vendor/axe-core/axe.min.js"
PHONE = {"width": 390, "height": 844}


def axe_violations(page) -> list[dict]:
    """Run every axe-core rule (WCAG 2.1 A/AA and best practices) on the current page; return
    its violations of any impact."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Loaded from the site itself: an inline copy would be refused by the page's policy.
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
        page.add_script_tag(url=origin + AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_accessible(page) -> None:
    """No axe violation of any impact, at the page's own size and on a phone-sized screen."""
    violations = axe_violations(page)
    assert violations == [], f"axe found violations on {page.url}: {violations}"
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        violations = axe_violations(page)
        assert violations == [], f"axe found violations on {page.url} at phone size: {violations}"
    finally:
        if size:
            page.set_viewport_size(size)


# Chromium reports a refused script, style or frame on the console; the listener below also turns each
# `securitypolicyviolation` event into a console error, so both routes reach the same list.
_REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('Content Security Policy violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI);
});
"""


def watch_csp(page) -> list[str]:
    """Collect every Content-Security-Policy violation the page reports; returns the live list
    (the same list on a second call for the same page)."""
    if hasattr(page, "_csp_violations"):
        return page._csp_violations
    violations: list[str] = []
    page._csp_violations = violations

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"{message.text} ({page.url})")

    page.add_init_script(_REPORT_VIOLATIONS)
    page.on("console", on_console)
    return violations


def assert_no_csp_violations(violations: list[str]) -> None:
    assert violations == [], f"the page broke its Content-Security-Policy: {violations}"


def log_in(page, base_url: str, email: str, password: str) -> None:
    """Log in through the real login form (fields `email` and `password`)."""
    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form#login-form button[type=submit]")
