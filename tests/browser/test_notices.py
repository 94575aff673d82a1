"""Notices in the browser: the officer opens "Kunngjøringer" from the competition page, sees the
settings, generates the design contest notice (shown as validating), and reads the failed rules of a
validated notice with their rule ids. axe-core checks every page."""

import pytest

from compete.core.time import now
from compete.extensions import db
from compete.notices import services
from compete.notices.demo import settings_for
from compete.notices.models import KIND_CONTEST
from tests.browser.helpers import assert_accessible, log_in
from tests.factories_competitions import make_setup

PASSWORD = "correct horse battery"


@pytest.mark.browser
def test_officer_generates_a_notice_and_reads_its_failed_rules(live_server, page):
    with live_server.app.app_context():
        setup = make_setup()
        db.session.add(settings_for(setup.competition))
        failed = services.generate(setup.competition, setup.actor, KIND_CONTEST, documents_url="https://c.test/c")
        failed.validation = {
            "xsd": [],
            "rules": [{"rule": "BR-BT-00262-0153", "field": "BT-262-Procedure", "location": "/", "text": ""}],
        }
        failed.is_valid, failed.validated_at = False, now()
        slug, email, failed_id = setup.competition.slug, setup.officer.email, failed.id
        db.session.commit()
    base = live_server.url

    log_in(page, base, email, PASSWORD)
    page.goto(f"{base}/manage/competitions/{slug}")
    page.get_by_role("link", name="Kunngjøringer (Doffin/TED)").click()
    page.wait_for_url(f"{base}/manage/competitions/{slug}/notices")
    assert_accessible(page)

    page.get_by_role("link", name="Endre innstillingene").click()
    page.wait_for_url(f"{base}/manage/competitions/{slug}/notices/settings")
    assert_accessible(page)
    assert page.get_by_label("CPV-koder").input_value() == "85000000-9 73000000-2"
    page.get_by_role("button", name="Lagre innstillingene").click()
    page.wait_for_url(f"{base}/manage/competitions/{slug}/notices")

    page.get_by_role("button", name="Lag: Kunngjøring av plan- og designkonkurranse (undertype 23)").click()
    page.wait_for_url(f"{base}/manage/competitions/{slug}/notices/*")
    assert_accessible(page)
    assert "Validerer" in page.content()

    page.goto(f"{base}/manage/competitions/{slug}/notices/{failed_id}")
    assert_accessible(page)
    row = page.get_by_role("row", name="BR-BT-00262-0153")
    assert row.get_by_text("Mangler eller er ikke tillatt: hoved-CPV-koden.").is_visible()
    assert row.get_by_text("BT-262").is_visible()
