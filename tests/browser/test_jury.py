"""The jury in the browser: jurors accept the briefing and declare (one in doubt), the officer rules
that juror conflicted, four jurors and the user representative score, the conflicted juror gets 403
on that entry's address, the chair records the consensus, everyone approves and the officer
de-anonymises the stage. axe-core checks every page."""

import re
from datetime import UTC, datetime

import pytest

from compete.extensions import db
from compete.jury import services
from compete.jury.models import SeatRole
from tests.browser.helpers import assert_accessible, log_in
from tests.factories import make_user
from tests.factories_jury import make_jury_stage

PASSWORD = "correct horse battery"
T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
JURY = [
    ("leder@jury.test", "Lea Leder", SeatRole.CHAIR),
    ("medlem2@jury.test", "Mats Medlem", SeatRole.MEMBER),
    ("medlem3@jury.test", "Mia Medlem", SeatRole.MEMBER),
    ("medlem4@jury.test", "Max Medlem", SeatRole.MEMBER),
    ("bruker@jury.test", "Bea Brukerrepresentant", SeatRole.USER_REPRESENTATIVE),
]


def _as(page, base, email):
    page.context.clear_cookies()
    log_in(page, base, email, PASSWORD)


@pytest.mark.browser
def test_jury_declares_scores_agrees_and_the_stage_is_deanonymised(live_server, page, clock):
    clock.set(T0)
    with live_server.app.app_context():
        setup, officer, entries, _ = make_jury_stage(entries=2, jurors=0)
        setup.officer.email = "innkjoper@nav.test"
        for email, name, role in JURY:
            services.appoint(setup.stage, make_user(email=email, name=name), role, officer)
        stage_id, slug = setup.stage.id, setup.competition.slug
        codes = [e.code for e in entries]
        organisation = entries[0].organisation.name
        db.session.commit()
    base = live_server.url
    jury_url = f"{base}/jury/stages/{stage_id}"

    # Every juror accepts the briefing and declares; Mia is in doubt about the first entry.
    for email, _name, _role in JURY:
        _as(page, base, email)
        page.goto(f"{jury_url}/briefing")
        assert_accessible(page)
        page.check("input[name=accept]")
        page.get_by_role("button", name="Gå videre til erklæringen").click()
        page.wait_for_url(re.compile(r".*/declaration$"))
        page.fill("#affiliations", "Ingen tilknytning")
        for code_index, entry_code in enumerate(codes):
            doubt = email == "medlem3@jury.test" and code_index == 0
            group = page.locator("fieldset").filter(has_text=entry_code)
            group.locator(f"input[value={'in_doubt' if doubt else 'no_conflict'}]").check()
            if doubt:
                group.locator("input[type=text]").fill("Tidligere kollega av daglig leder")
        assert_accessible(page)
        page.get_by_role("button", name="Lever erklæringen").click()
        page.wait_for_url(re.compile(rf".*/jury/stages/{stage_id}$"))

    # The officer rules Mia conflicted for that entry.
    _as(page, base, "innkjoper@nav.test")
    page.goto(f"{base}/manage/competitions/{slug}/stages/1/jury")
    assert_accessible(page)
    page.select_option("select[name=decision]", "conflict")
    page.fill("textarea[name=reason]", "Nær arbeidsrelasjon de siste tre årene")
    page.get_by_role("button", name="Registrer avgjørelsen").click()
    assert "Avgjørelsen er registrert." in page.content()

    # Four jurors and the user representative score what they may see.
    for juror_index, (email, _name, _role) in enumerate(JURY):
        _as(page, base, email)
        for code_index, entry_code in enumerate(codes):
            if email == "medlem3@jury.test" and code_index == 0:
                assert page.goto(f"{jury_url}/entries/{entry_code}").status == 403
                continue
            page.goto(f"{jury_url}/entries/{entry_code}")
            if juror_index == 0 and code_index == 0:
                assert_accessible(page)
            value = 8 - code_index * 3 + juror_index % 2
            for choice in page.locator(f"input[type=radio][name^=score-][value='{value}']").all():
                choice.check()
            for field in page.locator("textarea[name^=why-]").all():
                field.fill("Godt begrunnet mot kriteriet.")
            with page.expect_navigation():
                page.get_by_role("button", name="Send inn poeng").click()
            assert "Poengkortet ditt er sendt inn." in page.content()
        assert_accessible(page)

    # The chair sees progress and the ranking with the chart, and records the consensus.
    _as(page, base, "leder@jury.test")
    page.goto(f"{jury_url}/progress")
    assert_accessible(page)
    page.goto(f"{jury_url}/ranking")
    assert page.locator("svg[role=img] title").text_content() == "Vektede summer gitt av hvert jurymedlem"
    assert organisation not in page.content()
    assert_accessible(page)
    page.goto(f"{jury_url}/report")
    page.fill(f"#remark-{codes[0]}", "Juryen er enig: sterkest forankring hos brukerne.")
    page.locator("form").filter(has=page.locator(f"#remark-{codes[0]}")).get_by_role("button").click()
    assert "Merknaden er registrert." in page.content()
    assert_accessible(page)

    # Everyone approves; the last approval locks the ranking.
    for email, _name, _role in JURY:
        _as(page, base, email)
        page.goto(f"{jury_url}/report")
        page.get_by_role("button", name="Godkjenn rapporten").click()
    assert "Rangeringen er låst." in page.content()

    # The officer de-anonymises the stage once.
    _as(page, base, "innkjoper@nav.test")
    page.goto(f"{base}/manage/competitions/{slug}/stages/1/jury")
    page.get_by_role("button", name="Opphev anonymiteten i rangeringen").click()
    assert "Fasen har gått videre." in page.content()
    page.goto(f"{jury_url}/ranking")
    assert organisation in page.content()
    assert_accessible(page)
