"""The participant's save and submit do only the work they need: a confirmed submit reads no draft
file (the identity check already shown on the confirmation page is not run again), and an upload is
parsed into memory rather than written to a temporary file and read back."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from flask import request
from sqlalchemy import select

from compete.extensions import db
from compete.storage.backends import get_storage
from compete.submissions.models import Attachment, LateAttempt, Submission, SubmissionVersion
from tests.factories_competitions import login_as
from tests.factories_submissions import GOOD_CONTENT, make_pdf, make_setup

T0 = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)


@pytest.fixture
def setup(app, clock):
    clock.set(T0)
    s = make_setup(opens_in=timedelta(days=-1), deadline_in=timedelta(days=14))
    db.session.commit()
    return s


@pytest.fixture
def reads(app, monkeypatch):
    """The storage keys read while the test runs."""
    storage = get_storage()
    seen: list[str] = []
    original = storage.read

    def counting(key):
        seen.append(key)
        return original(key)

    monkeypatch.setattr(storage, "read", counting)
    return seen


def test_a_confirmed_submit_reads_no_draft_file_but_the_confirmation_page_checks_it(client, setup, reads):
    assert setup.stage.anonymous
    login_as(client, setup.user, setup.organisation)
    client.post(f"/competitions/{setup.competition.slug}/stages/1/start", data={"category": "", "confirm": "y"})
    submission = db.session.scalars(select(Submission)).one()
    pdf = make_pdf(f"Skrevet av {setup.organisation.name}")
    saved = client.post(
        f"/submissions/{submission.id}",
        data={
            "field_problem": GOOD_CONTENT["problem"],
            "field_solution": GOOD_CONTENT["solution"],
            "file_sketch": (io.BytesIO(pdf), "skisse.pdf", "application/pdf"),
        },
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302

    del reads[:]
    page = client.get(f"/submissions/{submission.id}/submit").get_data(as_text=True)
    assert f"«{setup.organisation.name}» står i skisse.pdf." in page
    assert len(reads) == 1  # the draft file, for the identity check (R19)

    # Without the confirmation the check runs again and the submit is refused with the warnings.
    del reads[:]
    refused = client.post(f"/submissions/{submission.id}/submit", data={"idempotency_key": "k"})
    assert refused.status_code == 200
    assert f"«{setup.organisation.name}» står i skisse.pdf." in refused.get_data(as_text=True)
    assert len(reads) == 1
    assert db.session.scalars(select(SubmissionVersion)).all() == []

    del reads[:]
    accepted = client.post(
        f"/submissions/{submission.id}/submit", data={"idempotency_key": "k", "accept_warnings": "y"}
    )
    assert accepted.headers["Location"] == f"/submissions/{submission.id}/versions/1/receipt"
    assert reads == []
    version = db.session.scalars(select(SubmissionVersion)).one()
    assert [a.filename for a in version.attachments] == ["skisse.pdf"]


def test_an_upload_is_parsed_into_memory_within_the_request_bound(app):
    big = b"%PDF-1.7\n" + b"x" * (600 * 1024)  # over werkzeug's 500 KB threshold for temporary files
    body = {"file": (io.BytesIO(big), "skisse.pdf", "application/pdf")}
    with app.test_request_context("/", method="POST", data=body, content_type="multipart/form-data"):
        stream = request.files["file"].stream
        assert isinstance(stream, io.BytesIO)
        assert stream.getvalue() == big
    # Without a bound on the body the default (a temporary file) is kept.
    app.config["MAX_CONTENT_LENGTH"] = None
    try:
        body = {"file": (io.BytesIO(big), "skisse.pdf", "application/pdf")}
        with app.test_request_context("/", method="POST", data=body, content_type="multipart/form-data"):
            stream = request.files["file"].stream
            assert not isinstance(stream, io.BytesIO)
            assert stream.fileno() >= 0  # a file on disk
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 25 * 1024 * 1024


def _start(client, setup) -> Submission:
    login_as(client, setup.user, setup.organisation)
    client.post(f"/competitions/{setup.competition.slug}/stages/1/start", data={"category": "", "confirm": "y"})
    return db.session.scalars(select(Submission)).one()


def test_the_draft_and_its_file_are_saved_together_and_a_refused_file_alone_is_rolled_back(client, setup):
    submission = _start(client, setup)
    form = {"field_problem": GOOD_CONTENT["problem"], "field_solution": GOOD_CONTENT["solution"]}
    good = client.post(
        f"/submissions/{submission.id}",
        data={**form, "file_sketch": (io.BytesIO(make_pdf()), "skisse.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    db.session.expire_all()
    assert submission.draft_content == GOOD_CONTENT
    assert [a.filename for a in db.session.scalars(select(Attachment))] == ["skisse.pdf"]

    refused = client.post(
        f"/submissions/{submission.id}",
        data={**form, "field_problem": "Endret tekst", "file_sketch": (io.BytesIO(b"GIF89a not a pdf"), "x.pdf")},
        content_type="multipart/form-data",
    )
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Innholdet i filen er ikke en tillatt type (PDF)." in page
    db.session.expire_all()
    assert submission.draft_content["problem"] == "Endret tekst"  # the text is kept
    assert [a.filename for a in db.session.scalars(select(Attachment))] == ["skisse.pdf"]  # the old file too


def test_a_file_refused_because_the_deadline_passed_during_the_save_is_logged_and_the_draft_kept(
    client, setup, clock, monkeypatch
):
    """The deadline passes between the draft's save and its file's check: the file's savepoint keeps
    the late attempt's log (R15) and the draft is saved."""
    from compete.submissions import services

    submission = _start(client, setup)
    save_draft = services.save_draft

    def save_then_pass_the_deadline(*args, **kwargs):
        save_draft(*args, **kwargs)
        clock.set(setup.stage.deadline_at + timedelta(seconds=1))

    monkeypatch.setattr(services, "save_draft", save_then_pass_the_deadline)
    response = client.post(
        f"/submissions/{submission.id}",
        data={
            "field_problem": GOOD_CONTENT["problem"],
            "field_solution": GOOD_CONTENT["solution"],
            "file_sketch": (io.BytesIO(make_pdf()), "skisse.pdf", "application/pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert submission.draft_content == GOOD_CONTENT
    assert db.session.scalars(select(Attachment)).all() == []
    late = db.session.scalars(select(LateAttempt)).one()
    assert late.action == "upload"
    assert [f["name"] for f in late.file_hashes] == ["skisse.pdf"]
