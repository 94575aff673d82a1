"""Log in through the local OIDC provider: a participant with ID-porten, an officer with the buyer's own provider."""

import re

import pytest
from sqlalchemy import select

from compete.accounts.models import MemberRole
from compete.extensions import db
from compete.identity import oidc, services
from compete.notifications.models import OutboxMessage
from tests.browser.helpers import assert_accessible, log_in
from tests.factories import make_officer, make_org, make_user
from tests.factories_accounts import make_member
from tests.oidc_provider import OidcProvider

pytestmark = pytest.mark.browser


@pytest.fixture
def provider():
    server = OidcProvider().start()
    oidc.clear_cache()
    yield server
    server.stop()
    oidc.clear_cache()


def _confirm_path(app, email: str) -> str:
    with app.app_context():
        message = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient_email == email).order_by(OutboxMessage.id.desc())
        ).first()
        return re.search(r"https?://[^/\s]+(/login/oidc/confirm/\S+)", message.body_text).group(1)


def _log_out(page) -> None:
    # Playwright's hit test trips over the inline header form; a keyboard press is what a user can do too.
    page.locator("header button:has-text('Logg ut')").press("Enter")
    assert page.locator("header").get_by_role("link", name="Logg inn").count() == 1


def test_participant_with_idporten_and_officer_with_the_buyers_provider(live_server, page, provider):
    app, base = live_server.app, live_server.url
    app.config.update(
        BASE_URL=base,
        IDPORTEN_ISSUER=provider.url,
        IDPORTEN_CLIENT_ID=provider.client_id,
        IDPORTEN_CLIENT_SECRET=provider.client_secret,
        IDPORTEN_PID_HASH_KEY="browser-test-key",
    )
    with app.app_context():
        buyer = make_org("Testkommunen", buyer=True)
        make_officer(buyer, email="saksbehandler@kommune.test", name="Siri Saksbehandler")
        owner = make_user("eier@kommune.test", name="Ola Eier", password="et langt passord")
        make_member(buyer, owner, MemberRole.OWNER)
        services.save_provider(
            buyer,
            owner,
            issuer=provider.url,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            scopes="openid email profile",
            enabled=True,
        )
        buyer_id = buyer.id
        db.session.commit()

    # A participant's first login with ID-porten: name and e-mail, then the link in the same browser.
    provider.next_user = {"sub": "idporten-sub-1", "pid": "01017012345", "acr": "idporten-loa-substantial"}
    page.goto(f"{base}/login")
    assert_accessible(page)
    page.get_by_role("link", name="Logg inn med ID-porten").click()
    assert page.locator("h1").inner_text() == "Din første innlogging med ID-porten"
    assert_accessible(page)
    page.fill("input[name=name]", "Åse Ærlig")
    page.fill("input[name=email]", "aase@example.test")
    page.check("input[name=privacy]")
    page.click("form#first-login-form button[type=submit]")
    assert page.locator("#identity-check-email").inner_text().startswith("Vi har sendt en lenke til aase@example.test.")
    assert_accessible(page)
    page.goto(base + _confirm_path(app, "aase@example.test"))
    assert page.locator("header").get_by_role("link", name="Åse Ærlig").count() == 1
    assert_accessible(page)
    _log_out(page)

    # The next time goes straight in.
    page.goto(f"{base}/login")
    page.get_by_role("link", name="Logg inn med ID-porten").click()
    assert page.locator("header").get_by_role("link", name="Åse Ærlig").count() == 1
    _log_out(page)

    # An officer logs in with the buyer's own provider; the first time they confirm the link.
    provider.next_user = {"sub": "entra-oid-1", "email": "saksbehandler@kommune.test"}
    page.goto(f"{base}/login")
    page.get_by_role("link", name="Logg inn med Testkommunen").click()
    assert page.locator("#identity-check-email").count() == 1
    page.goto(base + _confirm_path(app, "saksbehandler@kommune.test"))
    assert page.locator("header").get_by_role("link", name="Siri Saksbehandler").count() == 1
    _log_out(page)

    # A refused login is a translated page, not a server error.
    provider.tamper = {"sign_with_other_key": True}
    page.goto(f"{base}/login")
    page.get_by_role("link", name="Logg inn med Testkommunen").click()
    assert page.locator("h1").inner_text() == "Innloggingen mislyktes"
    assert_accessible(page)
    provider.tamper = {}

    # The buyer's owner sets the provider up.
    log_in(page, base, "eier@kommune.test", "et langt passord")
    page.goto(f"{base}/organisations/{buyer_id}")
    page.get_by_role("link", name="Innloggingstjeneste for ansatte").click()
    assert page.locator("#redirect-uri").inner_text() == f"{base}/login/oidc/callback"
    assert_accessible(page)
