"""Register, verify through the e-mailed link, log out, log in and switch to nynorsk, in Chromium."""

import re

import pytest
from sqlalchemy import select

from compete.accounts.services import process_mail_requests
from compete.extensions import db
from compete.notifications.models import OutboxMessage
from tests.browser.helpers import assert_accessible, log_in
from tests.factories import make_org, make_user

pytestmark = pytest.mark.browser


def _verification_path(app, email: str) -> str:
    with app.app_context():
        message = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "accounts/verify", OutboxMessage.recipient_email == email)
        ).one()
        return re.search(r"https?://[^/\s]+(/verify/\S+)", message.body_text).group(1)


def test_register_verify_logout_login_and_nynorsk(live_server, page):
    base = live_server.url
    page.goto(f"{base}/register")
    assert_accessible(page)
    page.fill("input[name=name]", "Åse Ærlig")
    page.fill("input[name=email]", "aase@example.test")
    page.fill("input[name=password]", "et langt passord")
    page.check("input[name=privacy]")
    page.click("form#register-form button[type=submit]")
    assert page.locator("h1").inner_text() == "Sjekk e-posten din"
    assert_accessible(page)
    with live_server.app.app_context():  # what `flask outbox send` does: create the account, queue the link
        process_mail_requests()
        db.session.commit()

    log_in(page, base, "aase@example.test", "et langt passord")
    page.goto(f"{base}/profile")
    assert page.locator("#verify-banner").count() == 1
    assert_accessible(page)

    page.goto(base + _verification_path(live_server.app, "aase@example.test"))
    assert page.locator(".flashes").first.inner_text().strip() == (
        "Takk. E-postadressen din er bekreftet. Registrer nå organisasjonen din (eller godta en invitasjon til å bli "
        "med i en), og åpne så en konkurranse og start idéskissen."
    )
    assert page.locator("#verify-banner").count() == 0
    assert_accessible(page)

    # Playwright's hit test trips over the inline header form; a keyboard press is what a user can do too.
    page.locator("header button:has-text('Logg ut')").press("Enter")
    assert page.locator("header").get_by_role("link", name="Logg inn").count() == 1
    assert_accessible(page)

    log_in(page, base, "aase@example.test", "et langt passord")
    assert page.locator("header").get_by_role("link", name="Åse Ærlig").count() == 1
    assert_accessible(page)

    page.goto(f"{base}/profile")
    page.check("input[name=language][value=nn]")
    page.click("main form button[type=submit]")
    assert page.locator("html").get_attribute("lang") == "nn"
    assert page.locator("h1").inner_text() == "Profilen din"
    assert page.locator(".flashes").first.inner_text().strip() == "Profilen din er lagra."
    assert page.locator("header").get_by_role("link", name="Organisasjonane mine").count() == 1
    assert_accessible(page)


def test_organisation_pages_and_switcher_are_accessible(live_server, page):
    with live_server.app.app_context():
        user = make_user("eier@example.test", name="Eva Eier", password="et langt passord", is_admin=True)
        make_org("Alfa AS", owner=user)
        make_org("Beta AS", members=[user])
        db.session.commit()
    base = live_server.url
    log_in(page, base, "eier@example.test", "et langt passord")
    for path in ("/organisations", "/organisations/new", "/admin/organisations", "/reset"):
        page.goto(base + path)
        assert_accessible(page)
    page.goto(f"{base}/organisations")
    page.select_option("#switch-org-id", label="Beta AS")
    page.locator("#org-switch button[type=submit]").press("Enter")
    assert page.locator(".flashes").first.inner_text().strip() == "Du handler nå for Beta AS."
    page.get_by_role("link", name="Beta AS").first.click()
    assert page.locator("h1").inner_text() == "Beta AS"
    assert_accessible(page)
    page.goto(f"{base}/organisations/new")
    page.fill("input[name=name]", "Gamma AS")
    page.fill("input[name=orgnr]", "12345678")
    page.check("input[name=category][value=start_up]")
    page.click("main form button[type=submit]")
    assert page.locator(".ds-error-summary").count() == 1
    assert_accessible(page)
