"""Personal API tokens in the browser: a participant makes a token on the profile, sees it once,
uses it against the API, and revokes it; the token page and the API reference pass axe."""

import pytest
import requests

from compete.extensions import db
from tests.browser.helpers import assert_accessible, log_in
from tests.factories import make_participant

PASSWORD = "correct horse battery"


@pytest.mark.browser
def test_make_use_and_revoke_a_token(live_server, page):
    with live_server.app.app_context():
        user, _organisation = make_participant(password=PASSWORD)
        email = user.email
        db.session.commit()
    base = live_server.url

    page.goto(f"{base}/api/v1/docs")
    assert_accessible(page)
    assert "/competitions/{slug}/results" in page.content()

    log_in(page, base, email, PASSWORD)
    page.goto(f"{base}/profile")
    page.get_by_role("link", name="API-nøkler").click()
    page.wait_for_url(f"{base}/profile/api-tokens")
    assert_accessible(page)
    page.get_by_label("Navn", exact=True).fill("Arkivsystemet")
    page.get_by_label("read:own", exact=False).check()
    page.get_by_role("button", name="Lag nøkkel").click()
    token = page.locator("#new-token").inner_text()
    assert token.startswith("cpt_")
    assert_accessible(page)

    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(f"{base}/api/v1/me/submissions", headers=headers, timeout=10).status_code == 200

    page.goto(f"{base}/profile/api-tokens")
    assert token not in page.content()
    page.get_by_role("row", name="Arkivsystemet").get_by_role("button", name="Trekk tilbake").click()
    page.wait_for_url(f"{base}/profile/api-tokens")
    assert "trukket tilbake" in page.content()
    assert requests.get(f"{base}/api/v1/me/submissions", headers=headers, timeout=10).status_code == 401
