"""Registering through the (fake) Enhetsregisteret in Chromium: refusal of a deleted number, the
organisation page with register data and warnings, the self-check's registration age; all accessible."""

import pytest

from compete.accounts.register_demo import DELETED_UNITS, DEMO_UNITS
from compete.competitions.models import EligibilityCategory
from compete.extensions import db
from tests.browser.helpers import assert_accessible, log_in
from tests.factories import make_competition, make_user
from tests.fake_brreg import FakeRegister

pytestmark = pytest.mark.browser


@pytest.fixture
def register(live_server):
    fake = FakeRegister().start()
    live_server.app.config["BRREG_BASE_URL"] = fake.base_url
    yield fake
    live_server.app.config["BRREG_BASE_URL"] = ""
    fake.stop()


def test_register_through_the_register_and_take_the_self_check(live_server, page, register):
    register.units["944444440"] = dict(DEMO_UNITS["944444440"], konkurs=True)
    with live_server.app.app_context():
        make_user("gründer@example.test", name="Gro Gründer", password="et langt passord")
        competition = make_competition()
        competition.eligibility_categories.append(
            EligibilityCategory(
                position=1,
                name="Oppstartsbedrift",
                definition="En virksomhet registrert for mindre enn fem år siden.",
                self_check_question="Ble virksomheten registrert for mindre enn fem år siden?",
                max_registration_years=5,
            )
        )
        db.session.commit()
        slug = competition.slug
    base = live_server.url
    log_in(page, base, "gründer@example.test", "et langt passord")

    page.goto(f"{base}/organisations/new")
    page.fill("input[name=orgnr]", next(iter(DELETED_UNITS)))
    page.check("input[name=category][value=start_up]")
    page.click("main form button[type=submit]")
    assert (
        "Denne enheten ble slettet fra Enhetsregisteret 30. juni 2021" in page.locator(".ds-error-summary").inner_text()
    )
    assert_accessible(page)

    page.fill("input[name=orgnr]", "944 444 440")
    page.click("main form button[type=submit]")
    assert page.locator("h1").inner_text() == "Ungdomslos AS"
    assert page.locator("#register-org-form").inner_text() == "Aksjeselskap (AS)"
    assert page.locator("#register-registered-on").inner_text() == "5. februar 2024"
    assert page.locator("#register-address").inner_text() == "Kongens gate 3, 7011 TRONDHEIM"
    assert "Ifølge Enhetsregisteret er denne organisasjonen konkurs." in page.locator("main").inner_text()
    assert_accessible(page)

    page.goto(f"{base}/competitions/{slug}/stages/1/start")
    assert page.locator(".register-age").inner_text().strip() == (
        "Ifølge Enhetsregisteret ble Ungdomslos AS registrert 5. februar 2024: registrert for mindre enn 5 år siden."
    )
    assert_accessible(page)
