"""No orphaned files: a replaced or removed draft file is deleted after the commit (never a submitted
version's file, never before the commit), and `flask storage check` lists objects without rows and rows
without objects. Each case runs on LocalStorage and on S3 (moto's real HTTP server)."""

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from compete.extensions import db
from compete.storage.backends import LocalStorage, S3Storage
from compete.submissions import services
from compete.submissions.models import Attachment
from tests.factories_submissions import GOOD_CONTENT, make_pdf, make_setup

T0 = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)


@pytest.fixture(params=["local", "s3"])
def storage(request, app, tmp_path):
    if request.param == "local":
        store = LocalStorage(str(tmp_path / "uploads"))
    else:
        import boto3

        endpoint = request.getfixturevalue("s3_endpoint")
        bucket = f"compete-{uuid.uuid4().hex[:12]}"
        boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint).create_bucket(Bucket=bucket)
        store = S3Storage(bucket, "us-east-1", endpoint)
    app.extensions["compete_storage"] = store
    return store


@pytest.fixture
def setup(app, clock, storage):
    clock.set(T0)
    setup = make_setup(opens_in=timedelta(days=-1), deadline_in=timedelta(days=14))
    assert setup.stage.anonymous is True  # each file has an original and a scrubbed copy
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")
    services.save_draft(submission, setup.user, GOOD_CONTENT)
    db.session.commit()
    setup.submission = submission
    return setup


def keys(storage) -> set[str]:
    return {obj.key for obj in storage.list()}


def row_keys(attachment: Attachment) -> set[str]:
    return {attachment.storage_key, attachment.scrubbed_storage_key}


def upload(setup, text: str) -> Attachment:
    attachment = services.add_attachment(setup.submission, setup.user, "sketch", "skisse.pdf", make_pdf(text))
    db.session.commit()
    return attachment


def test_replacing_a_draft_file_five_times_leaves_one_file_and_its_jury_copy(setup, storage):
    for number in range(5):
        last = upload(setup, f"Skisse nummer {number}")

    assert keys(storage) == row_keys(last)
    assert len(keys(storage)) == 2


def test_removing_a_draft_file_deletes_its_objects_after_the_commit(setup, storage):
    attachment = upload(setup, "Skisse")
    stored = row_keys(attachment)

    services.remove_attachment(setup.submission, setup.user, attachment)
    assert keys(storage) == stored  # not before the commit
    db.session.commit()

    assert keys(storage) == set()


def test_a_rolled_back_removal_deletes_nothing(setup, storage):
    attachment = upload(setup, "Skisse")
    stored = row_keys(attachment)

    services.remove_attachment(setup.submission, setup.user, attachment)
    db.session.rollback()

    assert keys(storage) == stored
    assert [a.id for a in services.draft_attachments(setup.submission)] == [attachment.id]


def test_a_rolled_back_upload_leaves_no_object(setup, storage):
    kept = upload(setup, "Første")

    services.add_attachment(setup.submission, setup.user, "sketch", "skisse.pdf", make_pdf("Andre"))
    db.session.rollback()

    assert keys(storage) == row_keys(kept)


def test_files_of_a_submitted_version_are_never_deleted(setup, storage):
    submitted = upload(setup, "Innlevert")
    services.submit(setup.submission, setup.user, "key-1")
    db.session.commit()

    replacement = upload(setup, "Nytt utkast")
    services.remove_attachment(setup.submission, setup.user, replacement)
    db.session.commit()

    version_file = setup.submission.versions[0].attachments[0]
    assert row_keys(version_file) == row_keys(submitted)
    assert keys(storage) == row_keys(submitted)


def test_storage_check_lists_objects_without_rows_and_rows_without_objects(app, setup, storage):
    attachment = upload(setup, "Skisse")
    storage.save("submissions/999/stray.pdf", io.BytesIO(b"%PDF-1.4 stray"), "application/pdf")
    storage.delete(attachment.scrubbed_storage_key)
    runner = app.test_cli_runner()

    result = runner.invoke(args=["storage", "check"])

    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:] == [
        f"object without row: submissions/999/stray.pdf (14 bytes, {_modified(storage, 'submissions/999/stray.pdf')})",
        f"row without object: attachments.scrubbed_storage_key = {attachment.scrubbed_storage_key}",
    ]
    assert result.stdout.splitlines()[0].endswith("keys referenced by rows")

    young = runner.invoke(args=["storage", "check", "--remove-orphans"])
    assert "removed 0 of 1 objects without rows" in young.stdout
    removed = runner.invoke(args=["storage", "check", "--remove-orphans", "--min-age-hours", "0"])
    assert "removed 1 of 1 objects without rows" in removed.stdout
    assert removed.exit_code == 1  # the missing jury copy is still reported
    assert keys(storage) == {attachment.storage_key}


def test_storage_check_is_ok_when_rows_and_objects_match(app, setup, storage):
    upload(setup, "Skisse")
    # An audit seal has no row on purpose and is never an orphan (nor removed by --remove-orphans).
    storage.save("audit-seals/2026-12-02T12-00-00Z-abc.json", io.BytesIO(b"{}"), "application/json")

    result = app.test_cli_runner().invoke(args=["storage", "check"])

    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "ok"


def _modified(storage, key: str) -> str:
    return next(obj.modified for obj in storage.list() if obj.key == key).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_every_column_holding_a_storage_key_is_known_to_the_check(app):
    from compete.storage.lifecycle import key_columns

    named = {
        f"{table.name}.{column.name}"
        for table in db.metadata.sorted_tables
        for column in table.columns
        if column.name.endswith("storage_key")
    }

    assert {f"{c.table.name}.{c.name}" for c in key_columns()} == named
    assert named >= {"attachments.storage_key", "attachments.scrubbed_storage_key"}
