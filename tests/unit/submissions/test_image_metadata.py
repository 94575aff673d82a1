"""The jury's copy of an image carries no author: EXIF, XMP, comments and PNG text chunks are removed, and
the leak check reads them (R19, R24)."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image, PngImagePlugin

from compete.extensions import db
from compete.storage.backends import get_storage
from compete.submissions import files, services
from tests.factories_submissions import make_setup

T0 = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>Kari Nordmann</dc:creator></x:xmpmeta>'


def make_jpeg(author: str = "Kari Nordmann") -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x013B] = author  # Artist
    exif[0x8298] = f"© {author}"  # Copyright
    exif[0x9C9D] = author.encode("utf-16-le")  # XPAuthor
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=f"Laget av {author}".encode(), xmp=XMP, quality=90)
    return out.getvalue()


def make_png(author: str = "Kari Nordmann") -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", author)
    info.add_text("Comment", f"Fra {author}", zip=True)
    info.add_itxt("Description", f"Skisse av {author}")
    out = io.BytesIO()
    Image.new("RGBA", (32, 32), (0, 128, 0, 200)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


@pytest.fixture
def setup(app, clock):
    clock.set(T0)
    setup = make_setup(opens_in=timedelta(days=-1), deadline_in=timedelta(days=14))
    setup.stage.file_slots[0].allowed_types = "pdf,png,jpg"
    setup.user.name = "Kari Nordmann"
    db.session.flush()
    return setup


def test_the_factories_carry_the_author():
    assert b"Kari Nordmann" in make_jpeg()
    assert b"Kari Nordmann" in make_png()


def test_jpeg_copy_has_no_exif_xmp_or_comment():
    original = make_jpeg()

    scrubbed = files.strip_metadata(original, "jpg")

    assert scrubbed.removed == ["comment", "exif", "xmp"]
    assert b"Kari" not in scrubbed.data and "Kari".encode("utf-16-le") not in scrubbed.data
    copy = Image.open(io.BytesIO(scrubbed.data))
    assert (copy.format, copy.size, dict(copy.getexif())) == ("JPEG", (64, 48), {})
    assert "xmp" not in copy.info and "comment" not in copy.info


def test_png_copy_has_no_text_chunks():
    original = make_png()

    scrubbed = files.strip_metadata(original, "png")

    assert scrubbed.removed == ["text:Author", "text:Comment", "text:Description"]
    assert b"Kari" not in scrubbed.data
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"eXIf"):
        assert chunk not in scrubbed.data
    copy = Image.open(io.BytesIO(scrubbed.data))
    assert (copy.format, copy.size, copy.mode, copy.text) == ("PNG", (32, 32), "RGBA", {})
    assert copy.getpixel((0, 0)) == (0, 128, 0, 200)


def test_a_rotated_jpeg_stays_upright_without_its_orientation_tag():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise on display
    out = io.BytesIO()
    Image.new("RGB", (40, 20)).save(out, "JPEG", exif=exif)

    copy = Image.open(io.BytesIO(files.strip_metadata(out.getvalue(), "jpg").data))

    assert copy.size == (20, 40)
    assert dict(copy.getexif()) == {}


@pytest.mark.parametrize(("name", "make"), [("foto.jpg", make_jpeg), ("kart.png", make_png)])
def test_anonymous_stage_stores_a_clean_image_copy_and_the_leak_check_reads_the_original(setup, name, make):
    submission = services.start_submission(setup.stage, setup.user, setup.organisation, "")

    attachment = services.add_attachment(submission, setup.user, "sketch", name, make())

    jury_copy = get_storage().read(attachment.scrubbed_storage_key)
    assert b"Kari" not in jury_copy
    assert files.sha256(jury_copy) == attachment.scrubbed_sha256 != attachment.sha256
    assert services.leak_warnings(submission) == [f"«Kari Nordmann» står i {name}."]
