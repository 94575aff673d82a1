"""The public pages in real Chromium, checked with axe-core."""

import pytest

from compete.demo import load_demo
from compete.extensions import db
from tests.browser.helpers import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_site(live_server):
    with live_server.app.app_context():
        load_demo()
        db.session.commit()
    return live_server


def test_home_lists_the_demo_competition(page, demo_site):
    page.goto(demo_site.url + "/")
    assert page.locator("h1").inner_text() == "Innovasjonskonkurranser"
    link = page.get_by_role("link", name="Unge på vei til jobb", exact=True)
    assert link.count() == 1
    assert_accessible(page)

    link.click()
    page.wait_for_url("**/competitions/unge-pa-vei-til-jobb")
    assert page.locator("h1").inner_text() == "Unge på vei til jobb"
    assert "3 × 50\u00a0000\u00a0kr" in page.locator("#prizes-heading + .table-wrap").inner_text()
    assert_accessible(page)


def test_language_switch_keeps_the_page(page, demo_site):
    page.goto(demo_site.url + "/competitions/unge-pa-vei-til-jobb")
    page.get_by_role("link", name="Nynorsk").click()
    page.wait_for_url("**/competitions/unge-pa-vei-til-jobb")
    assert page.locator("html").get_attribute("lang") == "nn"
    assert page.get_by_role("heading", name="Bakgrunn og behov").count() == 1
    assert_accessible(page)

    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Background and need").count() == 1


def test_skip_link_moves_focus_to_main(page, demo_site):
    page.goto(demo_site.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Hopp til hovedinnholdet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
