"""Issue 12 (R4, R12, R35): a participant who submitted (and is no follower) receives the notice of an
amendment the officer makes in the browser; so does every other member of the organisation and every
follower, read back from the SMTP test server after the outbox worker ran. Someone who never took part
gets nothing."""

from datetime import UTC, datetime

import pytest

from compete.extensions import db
from compete.notifications.services import send_pending
from compete.submissions import services as submission_services
from tests.browser.helpers import assert_accessible, log_in
from tests.factories import make_competition, make_officer, make_org, make_participant, make_user
from tests.factories_accounts import make_member
from tests.factories_competitions import follow, publish_version_one
from tests.factories_submissions import GOOD_CONTENT

PASSWORD = "correct horse battery"
SLUG = "unge-i-arbeid-nord"


def _seed(app) -> dict:
    with app.app_context():
        buyer = make_org(name="NAV Nord", buyer=True)
        officer = make_officer(buyer, email="officer@nord.test", password=PASSWORD)
        competition = make_competition(buyer, slug=SLUG)
        publish_version_one(competition, officer, buyer)
        submitter, organisation = make_participant(email="grunder@arbeidsglede.test")
        colleague = make_user("kollega@arbeidsglede.test")
        make_member(organisation, colleague)
        follower, follower_org = make_participant(email="folger@nysgjerrig.test")
        follow(competition, follower, follower_org)
        make_participant(email="utenfor@annet.test")  # never took part: no notice
        stage = competition.stages[0]
        submission = submission_services.start_submission(stage, submitter, organisation, "")
        submission_services.save_draft(submission, submitter, GOOD_CONTENT)
        submission_services.submit(submission, submitter, "amendment-notice-1")
        db.session.commit()
        send_pending()  # the receipt, so that only the amendment is left to read
        return {"officer": officer.email, "title": competition.title}


@pytest.mark.browser
def test_a_participant_who_submitted_receives_the_amendment_notice(live_server, page, clock, smtp_server):
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    world = _seed(live_server.app)
    smtp_server.clear()
    base = live_server.url

    log_in(page, base, world["officer"], PASSWORD)
    page.goto(f"{base}/manage/competitions/{SLUG}/settings")
    assert_accessible(page)
    page.fill("#budget", "650000")
    page.fill("#change_note", "Budsjettet er økt til 650 000 kr.")
    page.click("form.form-stack button[type=submit]")
    assert page.url == f"{base}/manage/competitions/{SLUG}"
    assert_accessible(page)

    with live_server.app.app_context():
        _sent, failed = send_pending()
    assert failed == 0
    amended = [m for m in smtp_server.messages if "(versjon 2)" in str(m["Subject"])]
    assert sorted(str(m["To"]) for m in amended) == [
        "folger@nysgjerrig.test",
        "grunder@arbeidsglede.test",
        "kollega@arbeidsglede.test",
    ]
    mail = next(m for m in amended if str(m["To"]) == "grunder@arbeidsglede.test")
    assert str(mail["Subject"]).startswith(world["title"])
    body = mail.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert "Budsjettet er økt til 650 000 kr." in body
    assert f"/competitions/{SLUG}/versions/2" in body
