"""An officer opens the procurement protocol from the competition's page, downloads it, and reads the
programme statistics; axe-core checks every page."""

import pytest

from compete.extensions import db
from tests.browser.helpers import assert_accessible, log_in
from tests.factories_protocol import make_record

PASSWORD = "correct horse battery"


@pytest.mark.browser
def test_officer_reads_protocol_and_statistics(live_server, page):
    with live_server.app.app_context():
        record = make_record()
        email, slug, title = record.officer.email, record.competition.slug, record.competition.title
        code = record.submissions[0].code
        db.session.commit()
    base = live_server.url

    log_in(page, base, email, PASSWORD)
    page.goto(f"{base}/manage/competitions/{slug}")
    page.get_by_role("link", name="Anskaffelsesprotokoll").click()
    page.wait_for_url(f"{base}/manage/competitions/{slug}/protocol")
    assert_accessible(page)
    assert "Revisjonsloggen er intakt" in page.locator("#chain-result").inner_text()
    assert page.get_by_role("heading", name="4. Mottakslogg").is_visible()
    assert code in page.content()

    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned som PDF").click()
    assert download.value.suggested_filename.startswith(f"protocol-{slug}-")
    assert download.value.suggested_filename.endswith(".pdf")

    page.get_by_role("link", name="Programstatistikk").click()
    page.wait_for_url(f"{base}/manage/competitions/{slug}/statistics")
    assert_accessible(page)
    assert page.locator("#figure-sketches").inner_text() == "3"
    assert page.locator("svg[role=img]").count() == 2  # time per stage, categories (no payments yet)

    page.get_by_role("link", name="Alle konkurransene til mine virksomheter").click()
    page.wait_for_url(f"{base}/manage/statistics")
    assert_accessible(page)
    assert page.get_by_role("link", name=title).is_visible()
