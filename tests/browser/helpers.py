"""Shared helpers for browser tests: accessibility checks and logging in."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"


PHONE = {"width": 390, "height": 844}


def axe_violations(page) -> list[dict]:
    """Run every axe-core rule (WCAG 2.1 A/AA and best practices) on the current page; return
    its violations of any impact."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
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


def log_in(page, base_url: str, email: str, password: str) -> None:
    """Log in through the real login form (fields `email` and `password`)."""
    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form#login-form button[type=submit]")
