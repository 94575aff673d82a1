"""Saving a draft with a file: the file is checked, scrubbed and stored before the write
transaction begins (`@reads_first`), so that on SQLite other requests can write meanwhile; the
write transaction reads again what it checks, and a file that is not kept leaves no object behind.

The tests where another request writes while the file is checked use an app with a database of its
own (`live_app`): with the suite's one shared test connection there is no other writer."""

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text, update

from compete.accounts.models import Membership
from compete.audit.models import AuditEntry
from compete.competitions.models import FileSlot
from compete.core.db import ReadsFirstWrote, reads_first_wrote, wants_write_lock, write_lock
from compete.extensions import db
from compete.storage import lifecycle
from compete.submissions import files, services
from compete.submissions.models import Attachment, LateAttempt, Submission
from tests.elsewhere import elsewhere, others_may_write
from tests.factories import login
from tests.factories_competitions import login_as
from tests.factories_submissions import GOOD_CONTENT, make_pdf, make_setup

T0 = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)
FORM = {f"field_{key}": value for key, value in GOOD_CONTENT.items()}
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _stored(app) -> set[Path]:
    return {p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()}


def _save(client, submission_id, **extra):
    return client.post(
        f"/submissions/{submission_id}",
        data={**FORM, "file_sketch": (io.BytesIO(make_pdf()), "skisse.pdf"), **extra},
        content_type="multipart/form-data",
    )


# --- in the suite's shared transaction --------------------------------------------------------------


@pytest.fixture
def setup(app, clock):
    clock.set(T0)
    s = make_setup(opens_in=timedelta(days=-1), deadline_in=timedelta(days=1))
    db.session.commit()
    return s


@pytest.fixture
def submission_id(client, setup):
    login_as(client, setup.user, setup.organisation)
    client.post(f"/competitions/{setup.competition.slug}/stages/1/start", data={"category": "", "confirm": "y"})
    return db.session.scalars(select(Submission.id)).one()


def test_a_deadline_that_passes_while_the_file_is_checked_refuses_the_save_and_keeps_no_file(
    client, app, setup, submission_id, monkeypatch, clock
):
    check = files.check_content

    def slow_check(stream, kind):
        check(stream, kind)
        clock.set(T0 + timedelta(days=2))  # the deadline passes while the file is being checked

    monkeypatch.setattr(files, "check_content", slow_check)
    before = _stored(app)

    saved = _save(client, submission_id)
    page = client.get(saved.headers["Location"]).get_data(as_text=True)

    assert "Fristen er ute. Ingenting ble endret, og forsøket er logget." in page
    assert db.session.scalars(select(Attachment)).all() == []
    assert _stored(app) == before
    assert db.session.get(Submission, submission_id).draft_content == {}
    assert [a.action for a in db.session.scalars(select(LateAttempt))] == ["save"]


def test_a_failure_after_the_file_was_stored_leaves_no_object(client, app, setup, submission_id, monkeypatch):
    def broken_save_draft(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "save_draft", broken_save_draft)
    before = _stored(app)

    with pytest.raises(RuntimeError, match="went away"):
        _save(client, submission_id)

    db.session.rollback()
    assert db.session.scalars(select(Attachment)).all() == []
    assert _stored(app) == before


def test_a_write_in_the_read_phase_fails_loudly_on_sqlite(client, app, setup, submission_id, monkeypatch):
    """A deferred SQLite transaction that read and then writes cannot wait for the lock: it would
    fail only when another request wrote in between. The mistake fails every time instead."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    prepare = services.prepare_attachment

    def writing_prepare(submission, slot_key, data, **kwargs):
        db.session.execute(text("UPDATE submissions SET draft_saved_at = draft_saved_at"))
        return prepare(submission, slot_key, data, **kwargs)

    monkeypatch.setattr(services, "prepare_attachment", writing_prepare)
    before = _stored(app)

    with pytest.raises(ReadsFirstWrote):
        _save(client, submission_id)

    db.session.rollback()
    assert _stored(app) == before


def test_which_requests_take_the_write_lock_up_front(app):
    with app.test_request_context("/submissions/1", method="POST"):
        assert not wants_write_lock()  # the draft save reads first
        with write_lock():
            assert wants_write_lock()
    with app.test_request_context("/submissions/1/autosave", method="POST"):
        assert wants_write_lock()
    with app.test_request_context("/submissions/1", method="GET"):
        assert not wants_write_lock()


def test_a_statement_that_writes_before_the_lock_in_a_reads_first_view_is_a_mistake(app):
    insert = "INSERT INTO late_attempts (id) VALUES (1)"
    with app.test_request_context("/submissions/1", method="POST"):
        assert reads_first_wrote(insert)
        assert reads_first_wrote("  update submissions SET draft_content = '{}'")
        assert not reads_first_wrote("SELECT submissions.updated_at FROM submissions")
        with write_lock():
            assert not reads_first_wrote(insert)
    with app.test_request_context("/submissions/1/autosave", method="POST"):
        assert not reads_first_wrote(insert)
    with app.test_request_context("/submissions/1", method="GET"):
        assert not reads_first_wrote(insert)


# --- with other requests writing meanwhile --------------------------------------------------------------


@pytest.fixture
def live(live_app):
    """A participant signed in on a test client of an app with a database of its own, and their draft."""
    with live_app.app_context():
        s = make_setup(opens_in=timedelta(days=-1), deadline_in=timedelta(days=1))
        draft = services.start_submission(s.stage, s.user, s.organisation, "")
        db.session.commit()
        client = live_app.test_client()
        login(client, s.user, s.organisation)
        ids = {"submission": draft.id, "stage": s.stage.id, "user": s.user.id}
        db.session.remove()
    page = client.get(f"/submissions/{ids['submission']}").get_data(as_text=True)
    return live_app, client, ids, TOKEN.search(page).group(1)


def test_the_file_is_checked_and_stored_while_others_may_write(live, monkeypatch):
    app, client, ids, token = live
    seen = []
    strip, save = files.strip_metadata, lifecycle.save_new

    def watching_strip(data, kind):
        seen.append(("strip", db.session().in_transaction(), others_may_write("submissions", ids["submission"])))
        return strip(data, kind)

    def watching_save(key, stream, content_type):
        seen.append(("store", db.session().in_transaction(), others_may_write("submissions", ids["submission"])))
        return save(key, stream, content_type)

    monkeypatch.setattr(files, "strip_metadata", watching_strip)
    monkeypatch.setattr(lifecycle, "save_new", watching_save)

    saved = _save(client, ids["submission"], csrf_token=token)

    assert saved.status_code == 302
    assert seen == [("strip", False, True), ("store", False, True), ("store", False, True)]
    with app.app_context():
        attachment = db.session.scalars(select(Attachment)).one()
        assert attachment.storage_key and attachment.scrubbed_storage_key
        assert len(_stored(app)) == 2
        assert db.session.get(Submission, ids["submission"]).draft_content == GOOD_CONTENT
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions[-2:] == ["submission.file_uploaded", "submission.metadata_stripped"]
        db.session.remove()


def test_a_slot_narrowed_while_the_file_is_checked_refuses_the_file_and_keeps_the_draft(live, monkeypatch):
    """An officer narrowed the slot to DOCX while the PDF was being checked: the write reads the
    stage again under its lock, refuses the PDF, keeps the draft, and deletes the PDF's objects."""
    app, client, ids, token = live
    prepare = services.prepare_attachment
    calls = []

    def prepare_then_narrow(submission, slot_key, data, **kwargs):
        calls.append(slot_key)
        prepared = prepare(submission, slot_key, data, **kwargs)
        if len(calls) == 1:
            elsewhere(
                app,
                lambda session: session.execute(
                    update(FileSlot).where(FileSlot.stage_id == ids["stage"]).values(allowed_types="docx")
                ),
            )
        return prepared

    monkeypatch.setattr(services, "prepare_attachment", prepare_then_narrow)
    monkeypatch.setattr("compete.submissions.services.attachments.prepare_attachment", prepare_then_narrow)

    saved = _save(client, ids["submission"], csrf_token=token)
    page = client.get(saved.headers["Location"]).get_data(as_text=True)

    assert calls == ["sketch", "sketch"]  # checked again under the lock, against the narrowed slot
    assert "Innholdet i filen er ikke en tillatt type (DOCX)." in page
    assert "Resten av utkastet ble lagret, men ikke filen skisse.pdf." in page
    assert _stored(app) == set()
    with app.app_context():
        assert db.session.scalars(select(Attachment)).all() == []
        assert db.session.get(Submission, ids["submission"]).draft_content == GOOD_CONTENT
        db.session.remove()


def test_a_member_removed_while_the_file_is_checked_cannot_save(live, monkeypatch):
    """The participant left the organisation while their file was being checked: the membership is
    read again under the lock, the save is refused, and the file's objects are deleted."""
    app, client, ids, token = live
    prepare = services.prepare_attachment

    def prepare_then_leave(submission, slot_key, data, **kwargs):
        prepared = prepare(submission, slot_key, data, **kwargs)
        elsewhere(app, lambda session: session.execute(delete(Membership).where(Membership.user_id == ids["user"])))
        return prepared

    monkeypatch.setattr(services, "prepare_attachment", prepare_then_leave)

    saved = _save(client, ids["submission"], csrf_token=token)

    assert saved.status_code == 403
    assert _stored(app) == set()
    with app.app_context():
        assert db.session.scalars(select(Attachment)).all() == []
        assert db.session.get(Submission, ids["submission"]).draft_content == {}
        db.session.remove()
