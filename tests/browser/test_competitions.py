"""An officer builds a two-stage call from scratch, publishes, amends and answers; a participant
follows, asks and sees version 2 and the answer. Every page is checked with axe."""

from datetime import UTC, datetime

import pytest

from compete.extensions import db
from compete.notifications.services import send_pending
from tests.browser.helpers import assert_accessible, log_in
from tests.factories import make_officer, make_org, make_participant

PASSWORD = "correct horse battery"
SLUG = "unge-i-arbeid-vest"


def _seed(app):
    with app.app_context():
        buyer = make_org(name="NAV Vest", buyer=True)
        officer = make_officer(buyer, email="officer@vest.test", password=PASSWORD, language="en")
        participant, _org = make_participant(email="founder@startup.test", password=PASSWORD, language="en")
        db.session.commit()
        return officer.email, participant.email


def _visit(page, url):
    page.goto(url)
    assert_accessible(page)


def _stage(page, base, name, kind, opens, questions, deadline, advancing, award):
    _visit(page, f"{base}/manage/competitions/{SLUG}/stages/new")
    page.fill("#name", name)
    page.select_option("#kind", kind)
    page.fill("#opens_at", opens)
    page.fill("#question_deadline_at", questions)
    page.fill("#deadline_at", deadline)
    page.fill("#advancing_count", advancing)
    page.fill("#award_amount", award)
    page.click("form.form-stack button[type=submit]")


def _criteria(page, base, position):
    _visit(page, f"{base}/manage/competitions/{SLUG}/stages/{position}/criteria")
    for i, (name, weight) in enumerate([("Relevans", "50"), ("Gjennomførbarhet", "50")]):
        page.fill(f"#rows-{i}-name", name)
        page.fill(f"#rows-{i}-weight", weight)
        page.fill(f"#rows-{i}-descriptors", "0: Ikke besvart\n10: Fremragende")
    page.select_option("#tie_break_rule", "highest_first_criterion")
    page.click("form.form-stack button[type=submit]")


@pytest.mark.browser
def test_officer_publishes_amends_and_answers_participant_sees_it(live_server, page, browser, clock, smtp_server):
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    smtp_server.clear()
    base = live_server.url
    officer_email, participant_email = _seed(live_server.app)

    # The officer creates a draft from scratch.
    log_in(page, base, officer_email, PASSWORD)
    _visit(page, f"{base}/manage/competitions")
    page.click("text=New competition")
    assert_accessible(page)
    page.fill("#title", "Unge i arbeid – Vest")
    page.fill("#slug", SLUG)
    page.click("form.form-stack button[type=submit]")
    assert page.url == f"{base}/manage/competitions/{SLUG}"
    assert_accessible(page)
    assert page.locator("#missing-items li").all_inner_texts() == [
        "Background and need are missing.",
        "The budget is missing.",
        "State whether the jury is binding or advisory.",
        "State whether a follow-on contract may be awarded.",
        "The IPR terms are missing.",
        "Add at least one stage.",
    ]
    page.click("text=Publish the call")
    assert_accessible(page)
    assert page.locator("#publish-errors-heading").inner_text() == "The call cannot be published yet. Missing or wrong:"

    # … fixes every item …
    _visit(page, f"{base}/manage/competitions/{SLUG}/settings")
    page.fill("#background", "## Behov\nUnge trenger arbeid.")
    page.fill("#budget", "600000")
    page.check("#jury_binding-1")
    page.check("#follow_on_contract-0")
    page.fill("#ipr_terms", "Deltakeren beholder rettighetene.")
    page.click("form.form-stack button[type=submit]")
    _visit(page, f"{base}/manage/competitions/{SLUG}/eligibility")
    page.fill("#rows-0-name", "Oppstartsbedrift")
    page.fill("#rows-0-definition", "Registrert for under fem år siden.")
    page.fill("#rows-0-self_check_question", "Ble virksomheten registrert for under fem år siden?")
    page.click("form.form-stack button[type=submit]")
    _stage(
        page, base, "Idéskisse", "idea_sketch", "2026-03-09T12:00", "2026-04-01T12:00", "2026-04-15T12:00", "3", "50000"
    )
    _stage(
        page,
        base,
        "Videreutvikling",
        "further_development",
        "2026-05-20T12:00",
        "2026-06-10T12:00",
        "2026-06-24T12:00",
        "1",
        "450000",
    )
    _criteria(page, base, 1)
    _criteria(page, base, 2)
    _visit(page, f"{base}/manage/competitions/{SLUG}")
    assert page.locator("#missing-items").count() == 0

    # … and publishes version 1.
    page.click("text=Publish the call")
    assert_accessible(page)
    assert "The call is published as version 1." in page.inner_text(".flashes")

    # A participant follows the call and asks a question.
    participant_context = browser.new_context()
    other = participant_context.new_page()
    log_in(other, base, participant_email, PASSWORD)
    _visit(other, f"{base}/competitions/{SLUG}")
    other.click("text=Follow this competition")
    assert_accessible(other)
    other.fill("#body", "Kan vi søke sammen med en annen virksomhet?")
    other.click("text=Send question")
    assert_accessible(other)

    # The officer amends the call once …
    _visit(page, f"{base}/manage/competitions/{SLUG}/settings")
    page.fill("#budget", "650000")
    page.fill("#change_note", "Budsjettet er økt til 650 000 kr.")
    page.click("form.form-stack button[type=submit]")
    assert_accessible(page)
    # … and answers the question for everyone.
    _visit(page, f"{base}/manage/competitions/{SLUG}/questions")
    page.fill("textarea[id$=public_body]", "Kan to virksomheter søke sammen?")
    page.fill("textarea[id$=answer]", "Ja, med én ansvarlig søker.")
    page.click("text=Publish the answer to everyone")
    assert_accessible(page)
    _visit(page, f"{base}/manage/competitions/{SLUG}/audit")

    # The participant sees version 2, its change note and the answer.
    _visit(other, f"{base}/competitions/{SLUG}")
    text = other.inner_text("main")
    assert "Version 2, published 02/03/2026 at 10:00." in text
    assert "Budsjettet er økt til 650 000 kr." in text
    assert "Kan to virksomheter søke sammen?" in text
    assert "Ja, med én ansvarlig søker." in text
    _visit(other, f"{base}/competitions/{SLUG}/versions/2")
    assert "Budsjettet er økt til 650 000 kr." in other.inner_text("#changes-heading + p")
    participant_context.close()

    with live_server.app.app_context():
        send_pending()
    received = sorted((m["To"], m["Subject"]) for m in smtp_server.messages)
    assert received == [
        (participant_email, "Unge i arbeid – Vest: a new answer is published"),
        (participant_email, "Unge i arbeid – Vest: the call was amended (version 2)"),
    ]
