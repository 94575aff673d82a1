"""The officer decides, reviews and sends the letters; the participant reads their letter and
complains; the officer sees the register, the awards and the public results. axe-core checks
every page (WCAG 2.1 A/AA)."""

import pytest

from compete.extensions import db
from tests.browser.helpers import assert_accessible, log_in

PASSWORD = "correct horse battery"


@pytest.mark.browser
def test_decision_letters_complaint_awards_and_results_in_the_browser(live_server, page):
    with live_server.app.app_context():
        from tests.factories_awards import make_ranked_stage

        world = make_ranked_stage(entries=4)
        slug = world.competition.slug
        officer_email = world.setup.officer.email
        loser = world.entries[3]
        loser_email, loser_org = loser.created_by.email, loser.organisation.name
        db.session.commit()
    base = live_server.url

    log_in(page, base, officer_email, PASSWORD)
    page.goto(f"{base}/manage/competitions/{slug}/stages/1/decision")
    assert page.locator("input[name=selected]:checked").count() == 3
    assert_accessible(page)
    page.click("form.form-stack button[type=submit]")
    assert page.url.endswith(f"/manage/competitions/{slug}/stages/1/notices")
    assert page.locator("section.ds-card").count() == 4
    assert_accessible(page)
    page.click("text=Send alle 4 brevene nå")
    assert page.locator("table tbody tr").count() == 4
    assert_accessible(page)
    page.goto(f"{base}/manage/competitions/{slug}/awards")
    assert page.locator("table tbody tr").count() == 3
    assert_accessible(page)
    page.click("form.inline-form button[type=submit]")  # log out

    log_in(page, base, loser_email, PASSWORD)
    page.goto(f"{base}/my/decisions")
    assert_accessible(page)
    page.click("text=Les")
    assert "Tildelingsbeslutning: dere er ikke valgt ut til neste fase" in page.content()
    assert_accessible(page)
    page.click("text=Klag på beslutningen")
    assert_accessible(page)
    page.fill("textarea[name=text]", "Juryen la ikke vekt på gjennomførbarheten.")
    page.click("form.form-stack button[type=submit]")
    assert "Klagen din er registrert" in page.content()
    page.click("form.inline-form button[type=submit]")

    log_in(page, base, officer_email, PASSWORD)
    page.goto(f"{base}/manage/competitions/{slug}/complaints")
    assert loser_org in page.content()
    assert_accessible(page)
    page.goto(f"{base}/competitions/{slug}/results")
    assert "Tildelinger: 3 × 50\u00a0000\u00a0kr." in page.locator("main").inner_text()
    assert_accessible(page)
