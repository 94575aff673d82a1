"""With S3 storage the browser uploads the sketch straight to the bucket (moto's real HTTP server), with
a progress bar and the browser's SHA-256 when scripts run, and by the plain form and the bucket's
redirect when they do not; either way the app checks the stored object and the draft shows the file.
The page keeps its Content-Security-Policy (the autouse fixture fails on any violation) and passes axe."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from compete.extensions import db
from compete.storage.backends import S3Storage
from compete.submissions import files, services
from compete.submissions.models import Attachment
from tests.browser.helpers import assert_accessible, log_in
from tests.factories import make_competition, make_org, make_participant
from tests.factories_submissions import GOOD_CONTENT, make_pdf

PASSWORD = "correct horse battery"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def draft(live_server, clock, s3_endpoint):
    import boto3

    clock.set(T0)
    app = live_server.app
    bucket = f"compete-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", region_name="us-east-1", endpoint_url=s3_endpoint).create_bucket(Bucket=bucket)
    app.extensions["compete_storage"] = S3Storage(bucket, "us-east-1", s3_endpoint)
    with app.app_context():
        user, organisation = make_participant(email="grunder@direkte.test", password=PASSWORD)
        competition = make_competition(make_org(buyer=True))
        submission = services.start_submission(competition.stages[0], user, organisation, "")
        services.save_draft(submission, user, GOOD_CONTENT)
        db.session.commit()
        submission_id = submission.id
    return live_server, submission_id


def _stored(app, submission_id):
    with app.app_context():
        found = db.session.scalars(select(Attachment).where(Attachment.submission_id == submission_id)).all()
        db.session.remove()
        return found


@pytest.mark.browser
def test_the_sketch_goes_straight_to_the_bucket_with_progress(draft, page, tmp_path):
    live, submission_id = draft
    pdf = make_pdf("Direkte til bøtta")
    path = tmp_path / "Min skisse.pdf"
    path.write_bytes(pdf)
    log_in(page, live.url, "grunder@direkte.test", PASSWORD)
    page.goto(f"{live.url}/submissions/{submission_id}")
    assert_accessible(page)
    page.set_input_files("#direct-sketch", str(path))
    page.locator("form.direct-upload button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*/submissions/{submission_id}$"))
    page.get_by_text("Min skisse.pdf").first.wait_for()
    (attachment,) = _stored(live.app, submission_id)
    assert attachment.sha256 == files.sha256(pdf)
    assert attachment.filename == "Min skisse.pdf"
    assert_accessible(page)


@pytest.mark.browser
def test_without_javascript_the_plain_form_and_the_buckets_redirect_do_it(draft, browser, tmp_path):
    live, submission_id = draft
    pdf = make_pdf("Uten skript")
    path = tmp_path / "skisse.pdf"
    path.write_bytes(pdf)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live.url, "grunder@direkte.test", PASSWORD)
        page.goto(f"{live.url}/submissions/{submission_id}")
        page.set_input_files("#direct-sketch", str(path))
        page.check("#secret-sketch-yes")
        page.locator("form.direct-upload button[type=submit]").click()
        page.wait_for_url(re.compile(rf".*/submissions/{submission_id}$"))
        assert "ble lastet opp og kontrollert" in page.content()
        (attachment,) = _stored(live.app, submission_id)
        assert attachment.sha256 == files.sha256(pdf)
        assert attachment.is_secret is True
    finally:
        context.close()
