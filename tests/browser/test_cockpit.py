"""The officer's cockpit in the browser (issue 12): "Trenger handling" with counts and direct links,
each stage on its timeline, the other links under "Mer"; axe-clean at desktop and phone size."""

import pytest

from compete.awards import services as award_services
from compete.core.time import now
from compete.extensions import db
from tests.browser.helpers import assert_accessible, log_in
from tests.factories_awards import decide, make_ranked_stage

PASSWORD = "correct horse battery"


def _seed(app) -> dict:
    with app.app_context():
        world = make_ranked_stage(entries=4)
        decision = decide(world)
        award_services.send_notices(decision, world.officer)
        loser = world.entries[3]
        award_services.register_complaint(decision, loser.created_by, loser.organisation, "Vi er uenige.")
        db.session.commit()
        return {"officer": world.setup.officer.email, "slug": world.competition.slug}


@pytest.mark.browser
def test_the_cockpit_lists_what_needs_action_and_links_to_it(live_server, page, clock):
    clock.set(now())
    world = _seed(live_server.app)
    base = live_server.url
    manage = f"{base}/manage/competitions/{world['slug']}"
    log_in(page, base, world["officer"], PASSWORD)
    page.goto(manage)
    assert_accessible(page)

    assert page.get_by_role("heading", name="Trenger handling").is_visible()
    items = page.locator("#needs-action li")
    assert items.all_inner_texts() == [
        "Karenstid: dager igjen (Idéskisse): 10",
        "Klager som venter på svar: 1",
    ]
    stage1 = page.locator(".cockpit-stage[data-stage='1'] li[aria-current='step']")
    assert stage1.inner_text().split("\n")[0] == "Karenstid"
    assert page.get_by_role("heading", name="Mer").is_visible()

    page.get_by_role("link", name="Klager som venter på svar").click()
    page.wait_for_url(f"{manage}/complaints")
    assert_accessible(page)
