"""Uploads are bounded before they are read: ZIP bombs, images with too many pixels, files the readers
cannot parse (R18, R19). A refusal is a form error in the user's language, keeps the draft and stores
nothing."""

import io
import tracemalloc
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from compete.core.errors import DomainError
from compete.extensions import db
from compete.submissions import archives, files, services
from compete.submissions.archives import Limits
from tests.factories_submissions import GOOD_CONTENT, make_docx, make_pdf, make_setup

T0 = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)
MB = 1024 * 1024


def make_bomb(inflated_mb: int = 200) -> bytes:
    """A valid-looking Word file whose document part inflates to `inflated_mb` MB of zeros (~1000:1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            zeros = b"\0" * MB
            for _ in range(inflated_mb):
                part.write(zeros)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb():
    return make_bomb(200)


@pytest.fixture
def setup(app, clock):
    clock.set(T0)
    setup = make_setup(opens_in=timedelta(days=-1), deadline_in=timedelta(days=14))
    setup.stage.file_slots[0].allowed_types = "pdf,docx,png,jpg"
    setup.stage.file_slots[0].max_mb = 25
    db.session.flush()
    return setup


def stored_files(app) -> list[Path]:
    return sorted(p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file())


def test_the_bomb_is_small_and_inflates_to_200_mb(bomb):
    assert len(bomb) < 300 * 1024
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.getinfo("word/document.xml").file_size == 200 * MB


def test_a_200_mb_bomb_is_refused_before_it_is_read_and_memory_stays_under_50_mb(setup, app, bomb):
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")
    services.save_draft(submission, setup.user, GOOD_CONTENT)
    before = stored_files(app)

    tracemalloc.start()
    try:
        with pytest.raises(DomainError) as excinfo:
            services.add_attachment(submission, setup.user, "sketch", "skisse.docx", bomb)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 50 * MB
    assert excinfo.value.code == "archive_bomb"
    assert str(excinfo.value.message) == (
        "Filen pakkes ut til langt mer enn størrelsen sin (et komprimert arkiv som er for stort eller mistenkelig)."
    )
    assert submission.draft_content == GOOD_CONTENT
    assert services.draft_attachments(submission) == []
    assert stored_files(app) == before


def test_the_ratio_bound_refuses_a_small_bomb_under_the_size_bound():
    small_bomb = make_bomb(5)  # 5 MB of zeros: under 100 MB, but ~1000:1

    with pytest.raises(archives.FileRefused) as excinfo:
        archives.check_archive(io.BytesIO(small_bomb), Limits(100 * MB, 100, 40_000_000))
    archives.check_archive(io.BytesIO(small_bomb), Limits(100 * MB, 2000, 40_000_000))  # a looser ratio passes

    assert excinfo.value.code == "archive_bomb"


def test_the_size_bound_is_read_from_the_configuration(app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_UNCOMPRESSED_MB", 4)
    monkeypatch.setitem(app.config, "UPLOAD_MAX_RATIO", 5000)

    with pytest.raises(archives.FileRefused):
        files.detect_type(make_bomb(5))
    assert files.detect_type(make_bomb(3)) == "docx"


def test_an_archive_under_the_bounds_is_rewritten_in_chunks(app, monkeypatch):
    # 30 MB inflated, allowed by a loose ratio: the metadata strip must not hold it whole.
    monkeypatch.setitem(app.config, "UPLOAD_MAX_RATIO", 5000)
    big = make_bomb(30)

    tracemalloc.start()
    try:
        scrubbed = files.strip_metadata(big, "docx")
        found = files.find_in_text(files.iter_text(big, "docx"), ["Kari Nordmann"])
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 20 * MB
    assert found == set()
    with zipfile.ZipFile(io.BytesIO(scrubbed.data)) as archive:
        assert archive.getinfo("word/document.xml").file_size == 30 * MB


def test_too_many_entries_are_refused_from_the_end_record():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for number in range(archives.MAX_ENTRIES + 1):
            archive.writestr(f"f{number}", b"")

    with pytest.raises(archives.FileRefused) as excinfo:
        archives.check_archive(io.BytesIO(out.getvalue()))

    assert excinfo.value.code == "archive_bomb"


def test_a_real_word_file_is_accepted_and_stripped(setup):
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")

    attachment = services.add_attachment(submission, setup.user, "sketch", "skisse.docx", make_docx())

    assert attachment.filename == "skisse.docx"
    assert attachment.scrubbed_sha256 is not None and attachment.scrubbed_sha256 != attachment.sha256


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n",
        b"%PDF-1.7\n" + b"\0" * 100,
    ],
    ids=["pdf-html-polyglot", "truncated-pdf"],
)
def test_an_unreadable_pdf_in_an_anonymous_stage_is_a_form_error_and_nothing_is_stored(setup, app, data):
    assert setup.stage.anonymous is True
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")
    services.save_draft(submission, setup.user, GOOD_CONTENT)
    before = stored_files(app)

    with pytest.raises(DomainError) as excinfo:
        services.add_attachment(submission, setup.user, "sketch", "skisse.pdf", data)

    assert excinfo.value.code == "unreadable"
    assert str(excinfo.value.message) == "Filen er skadet eller kunne ikke leses."
    assert services.draft_attachments(submission) == []
    assert stored_files(app) == before
    assert submission.draft_content == GOOD_CONTENT


def test_an_image_with_too_many_pixels_is_refused_before_decoding(setup, app, monkeypatch):
    from PIL import Image

    monkeypatch.setitem(app.config, "UPLOAD_MAX_IMAGE_PIXELS", 1_000_000)
    out = io.BytesIO()
    Image.new("1", (2000, 1000)).save(out, "PNG")
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")

    with pytest.raises(DomainError) as excinfo:
        services.add_attachment(submission, setup.user, "sketch", "kart.png", out.getvalue())

    assert excinfo.value.code == "image_pixels"
    assert str(excinfo.value.message) == ("Bildet har mer enn 1 megapiksler. Gjør det mindre og last det opp igjen.")
    assert services.draft_attachments(submission) == []


def test_a_pdf_is_still_accepted(setup):
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")

    attachment = services.add_attachment(submission, setup.user, "sketch", "skisse.pdf", make_pdf())

    assert attachment.content_type == "application/pdf"


def test_check_content_refuses_a_bomb_from_a_stream(app):
    # The check reused after a direct upload: a stream, not bytes from a form.
    with pytest.raises(archives.FileRefused) as excinfo:
        files.check_content(io.BytesIO(make_bomb(5)), "docx")

    assert excinfo.value.code == "archive_bomb"


def test_stripping_refuses_a_steep_archive_before_inflating_it(app):
    with pytest.raises(archives.FileRefused) as excinfo:
        files.strip_metadata(make_bomb(5), "docx")  # 5 MB: under the size bound, over the ratio

    assert excinfo.value.code == "archive_bomb"


def test_inflating_stops_at_the_budget_whatever_the_directory_says():
    with zipfile.ZipFile(io.BytesIO(make_bomb(2))) as archive:
        info = archive.getinfo("word/document.xml")
        with pytest.raises(archives.FileRefused):
            for _chunk in archives.iter_member(archive, info, [MB]):
                pass


def test_an_unreadable_pdf_is_refused_in_an_open_stage_too(setup, app):
    setup.stage.anonymous = False
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")

    with pytest.raises(DomainError) as excinfo:
        services.add_attachment(submission, setup.user, "sketch", "x.pdf", b"%PDF-1.4\n<html><script></script></html>")

    assert excinfo.value.code == "unreadable"
    assert services.draft_attachments(submission) == []


def test_the_entry_count_is_read_from_the_end_record_before_the_directory_is_parsed():
    data = bytearray(make_docx())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = (60000).to_bytes(2, "little") * 2  # entries on this disk, entries in total

    with pytest.raises(archives.FileRefused) as excinfo:
        archives.check_archive(io.BytesIO(bytes(data)))

    assert excinfo.value.code == "archive_bomb"
