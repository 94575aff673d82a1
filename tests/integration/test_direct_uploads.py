"""Direct uploads with S3 storage (moto's real HTTP server): the edit page carries a presigned POST
form per file slot, the browser posts the file straight to the bucket, S3 sends it back to the app,
which checks the stored object (size, type, content, SHA-256) before it becomes a draft attachment.
A refused object is deleted and the draft kept; the CSP lets forms and scripts reach that bucket only."""

from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import requests

from compete.extensions import db
from compete.storage.backends import S3Storage
from compete.submissions import files, services
from compete.submissions.models import Attachment
from tests.factories import login
from tests.factories_submissions import GOOD_CONTENT, make_pdf, make_setup

T0 = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)
FORM = re.compile(
    r'<form method="post" action="([^"]+)" enctype="multipart/form-data" class="form-stack direct-upload"'
    r'[^>]*data-done-url="([^"]+)"(.*?)</form>',
    re.S,
)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.fixture
def bucket(app, s3_endpoint):
    import boto3

    name = f"compete-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", region_name="us-east-1", endpoint_url=s3_endpoint)
    client.create_bucket(Bucket=name)
    app.extensions["compete_storage"] = S3Storage(name, "us-east-1", s3_endpoint)
    return client, name


@pytest.fixture
def setup(app, clock, bucket):
    clock.set(T0)
    setup = make_setup(opens_in=timedelta(days=-1), deadline_in=timedelta(days=14))
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")
    services.save_draft(submission, setup.user, GOOD_CONTENT)
    db.session.commit()
    setup.submission = submission
    return setup


def keys(bucket) -> set[str]:
    client, name = bucket
    return {item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", [])}


def the_form(client, setup):
    page = client.get(f"/submissions/{setup.submission.id}")
    assert page.status_code == 200
    match = FORM.search(page.text)
    assert match, "no direct upload form on the edit page"
    action, done, body = (html.unescape(x) for x in match.groups())
    return page, action, done, dict(HIDDEN.findall(body))


def post_to_bucket(action: str, fields: dict, data: bytes, filename: str = "skisse.pdf", secret: str = "0"):
    """What the browser does without JavaScript: the form's fields, then the file, to the bucket."""
    response = requests.post(
        action,
        data={**fields, "x-amz-meta-secret": secret},
        files={"file": (filename, data, "application/pdf")},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 303, response.text
    return response.headers["Location"]


def back_to_app(client, location: str, **extra):
    parts = urlsplit(location)
    query = parts.query + "".join(f"&{k}={v}" for k, v in extra.items())
    return client.get(f"{parts.path}?{query}")


def flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


def test_the_edit_page_posts_files_to_the_bucket_and_the_csp_allows_only_that_origin(client, setup, s3_endpoint):
    login(client, setup.user, setup.organisation)
    page, action, done, fields = the_form(client, setup)
    assert action.startswith(s3_endpoint + "/")
    assert fields["key"].startswith(f"incoming/{setup.submission.id}/")
    assert fields["Content-Type"] == "application/pdf"
    assert fields["success_action_redirect"].endswith(done)
    assert {"policy", "x-amz-signature"} <= set(fields)
    assert 'name="file_sketch"' not in page.text  # the app takes no file bytes
    csp = dict(d.strip().split(" ", 1) for d in page.headers["Content-Security-Policy"].split(";") if d.strip())
    assert csp["form-action"].split() == ["'self'", s3_endpoint]
    assert csp["connect-src"].split() == ["'self'", s3_endpoint]
    assert s3_endpoint not in csp["script-src"] + csp["default-src"] + csp["img-src"]


def test_an_upload_is_checked_and_becomes_the_draft_file_without_javascript(client, setup, bucket):
    login(client, setup.user, setup.organisation)
    _page, action, _done, fields = the_form(client, setup)
    pdf = make_pdf()
    location = post_to_bucket(action, fields, pdf, secret="1")
    incoming = {k for k in keys(bucket) if k.startswith("incoming/")}
    assert len(incoming) == 1

    answer = back_to_app(client, location)

    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/submissions/{setup.submission.id}")
    attachment = db.session.query(Attachment).filter_by(submission_id=setup.submission.id).one()
    assert attachment.sha256 == files.sha256(pdf) and attachment.size == len(pdf)
    assert attachment.is_secret is True
    assert attachment.content_type == "application/pdf"
    stored = keys(bucket)
    assert attachment.storage_key in stored and not incoming & stored  # copied, incoming removed
    assert attachment.scrubbed_storage_key in stored  # the anonymous stage's scrubbed copy
    # Coming back twice (a reload, or the script and the bucket's redirect both) changes nothing.
    assert back_to_app(client, location).status_code == 302
    assert db.session.query(Attachment).filter_by(submission_id=setup.submission.id).count() == 1


def test_with_the_scripts_hash_a_matching_upload_is_kept(client, setup, bucket):
    login(client, setup.user, setup.organisation)
    _page, action, _done, fields = the_form(client, setup)
    pdf = make_pdf("Med skript")
    prefix = fields["key"].rsplit("/", 1)[0] + "/"
    location = post_to_bucket(action, {**fields, "key": prefix + "Min skisse.pdf"}, pdf)
    back_to_app(client, location, sha256=files.sha256(pdf))
    attachment = db.session.query(Attachment).filter_by(submission_id=setup.submission.id).one()
    assert attachment.filename == "Min skisse.pdf"
    assert attachment.sha256 == files.sha256(pdf)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("type", "ikke en tillatt type"),
        ("size", "større enn 1 MB"),
        ("hash", "SHA-256"),
    ],
)
def test_a_bad_object_is_refused_in_the_users_language_removed_and_the_draft_kept(client, setup, bucket, case, message):
    earlier = services.add_attachment(setup.submission, setup.user, "sketch", "først.pdf", make_pdf("Første"))
    db.session.commit()
    setup.stage.file_slots[0].max_mb = 1
    db.session.commit()
    login(client, setup.user, setup.organisation)
    _page, action, _done, fields = the_form(client, setup)
    data = {
        "type": b"Dette er ikke en PDF, bare tekst.\n" * 10,
        "size": make_pdf() + b"%" + b"x" * (1024 * 1024) + b"\n",
        "hash": make_pdf("Annen"),
    }[case]
    location = post_to_bucket(action, fields, data)

    answer = back_to_app(client, location, **({"sha256": "0" * 64} if case == "hash" else {}))

    assert answer.status_code == 302
    said = flashes(client)
    assert any(message in text for text in said), said
    assert said[-1] == "Ingenting ble endret i utkastet ditt."  # a direct upload carries no text
    assert not {k for k in keys(bucket) if k.startswith("incoming/")}  # the object is gone
    kept = db.session.query(Attachment).filter_by(submission_id=setup.submission.id).one()
    assert kept.id == earlier.id  # the draft's file is the one it had


def test_a_confirmation_needs_the_token_issued_to_this_user_for_this_upload(client, setup, bucket):
    login(client, setup.user, setup.organisation)
    _page, action, _done, fields = the_form(client, setup)
    location = post_to_bucket(action, fields, make_pdf())
    key = re.search(r"key=([^&]+)", location).group(1)
    forged = client.get(f"/submissions/{setup.submission.id}/uploads/done?token=forged&key={key}")
    assert forged.status_code == 302
    assert db.session.query(Attachment).filter_by(submission_id=setup.submission.id).count() == 0
    other = back_to_app(client, location.replace("incoming%2F", "submissions%2F"))
    assert other.status_code == 302
    assert db.session.query(Attachment).filter_by(submission_id=setup.submission.id).count() == 0


def test_local_storage_keeps_the_upload_through_the_app(app, client, clock):
    clock.set(T0)
    setup = make_setup(opens_in=timedelta(days=-1), deadline_in=timedelta(days=14))
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")
    db.session.commit()
    login(client, setup.user, setup.organisation)
    page = client.get(f"/submissions/{submission.id}")
    assert 'name="file_sketch"' in page.text and "direct-upload" not in page.text
    assert page.headers["Content-Security-Policy"] == app.config["CONTENT_SECURITY_POLICY"]
