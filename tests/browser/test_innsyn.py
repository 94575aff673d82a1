"""Innsyn in the browser (R44): a member of the public requests access from the call page without an
account; the officer prepares a package in which the marked business secrets are redacted, previews it
and releases it; the register shows the answer. axe-core checks every page."""

import pytest

from compete.extensions import db
from tests.browser.helpers import assert_accessible, log_in
from tests.factories_innsyn import SECRET_TEXT, make_world

PASSWORD = "correct horse battery"


@pytest.mark.browser
def test_request_redacted_package_and_release(live_server, page):
    with live_server.app.app_context():
        world = make_world()
        slug, email = world.setup.competition.slug, world.setup.officer.email
        code = world.secret_entry.code
        db.session.commit()
    base = live_server.url

    page.goto(f"{base}/competitions/{slug}")
    page.get_by_role("link", name="Be om innsyn i konkurransens dokumenter").click()
    page.wait_for_url(f"{base}/competitions/{slug}/innsyn")
    assert_accessible(page)
    page.get_by_label("Navnet ditt").fill("Kari Journalist")
    page.get_by_label("E-postadresse").fill("kari@avisa.no")
    page.get_by_label("Hva ber du om innsyn i?").fill("Idéskissene og protokollen")
    page.get_by_role("button", name="Send kravet").click()
    page.wait_for_url(f"{base}/competitions/{slug}")
    assert "Kravet ditt er registrert" in page.content()

    log_in(page, base, email, PASSWORD)
    page.goto(f"{base}/manage/competitions/{slug}")
    page.get_by_role("link", name="Innsynsregister").click()
    page.wait_for_url(f"{base}/manage/competitions/{slug}/innsyn")
    assert_accessible(page)
    page.get_by_role("link", name="Kari Journalist").click()
    assert_accessible(page)
    page.get_by_role("group", name=f"({code})").get_by_label("Ta med dette bidraget").check()
    page.get_by_role("button", name="Klargjør pakken og forhåndsvis den").click()
    page.wait_for_url("**/preview")
    assert_accessible(page)
    assert "[Sladdet: Forretningshemmelighet markert av deltakeren" in page.content()
    assert SECRET_TEXT not in page.content()
    page.get_by_role("button", name="Gi innsyn: send pakken til den som ba om den").click()
    page.wait_for_url(f"{base}/manage/competitions/{slug}/innsyn")
    assert_accessible(page)
    assert page.get_by_role("row", name="Kari Journalist").get_by_text("Innsyn gitt").is_visible()
