"""Uploaded files: real type by content, safe names, hashes, metadata stripping (R19), text for the leak check."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from compete.submissions import images, pdftext
from compete.submissions.archives import (
    FileRefused,
    Limits,
    budget_for,
    check_archive,
    iter_member,
    refused_unreadable,
)

# Types a file slot may allow, recognised by their first bytes (and, for Office files, their parts).
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "image/png",
    "jpg": "image/jpeg",
}
OOXML_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
IMAGE_KINDS = ("png", "jpg")


def detect_type(data: bytes) -> str | None:
    """The file's real type from its content, or None when it is not one we accept.

    A ZIP is first held against the archive bounds (a bomb raises FileRefused) before its directory is read.
    """
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        check_archive(io.BytesIO(data))
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" not in names:
            return None
        for kind, part in OOXML_PARTS.items():
            if part in names:
                return kind
    return None


def check_content(stream: BinaryIO, kind: str, limits: Limits | None = None) -> None:
    """Refuse a file whose content does not hold up for its type: a ZIP bomb, an image with too many
    pixels, a PDF or image the readers cannot parse (e.g. a PDF/HTML polyglot). Takes a seekable stream
    so that a stored object can be checked the same way as a form upload."""
    limits = limits or Limits.from_config()
    stream.seek(0)
    if kind in OOXML_PARTS:
        check_archive(stream, limits)
    elif kind in IMAGE_KINDS:
        images.check_image(stream, kind, limits)
    elif kind == "pdf":
        _check_pdf(stream)
    stream.seek(0)


def _check_pdf(stream: BinaryIO) -> None:
    from pypdf import PdfReader

    try:
        reader = PdfReader(stream, strict=False)
        if len(reader.pages) < 1:
            raise refused_unreadable()
    except FileRefused:
        raise
    except Exception as exc:
        raise refused_unreadable() from exc


def base_name(name: str) -> str:
    """The name a browser sent without its path or control characters (NFC), as it may be shown."""
    base = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    return "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")


def safe_filename(name: str, kind: str) -> str:
    """A display name without paths or control characters, ending in the real type's extension."""
    base = base_name(name)
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"[^\w\s.,()\-æøåÆØÅ]", "_", stem).strip(" ._") or "file"
    return f"{stem[:120]}.{kind}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Scrubbed:
    data: bytes
    removed: list[str]


def strip_metadata(data: bytes, kind: str, limits: Limits | None = None) -> Scrubbed:
    """A copy without author, company, title and similar document properties, EXIF/XMP/IPTC and PNG text.

    Raises FileRefused when the file cannot be read (nothing is stored then)."""
    limits = limits or Limits.from_config()
    if kind == "pdf":
        try:
            return _strip_pdf(data)
        except Exception as exc:
            raise refused_unreadable() from exc
    if kind in OOXML_PARTS:
        return _strip_ooxml(data, limits)
    if kind in IMAGE_KINDS:
        clean, removed = images.strip_image(io.BytesIO(data), kind, limits)
        return Scrubbed(clean, removed)
    return Scrubbed(data, [])


def _strip_pdf(data: bytes) -> Scrubbed:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(data))
    removed = sorted(str(key) for key in (reader.metadata or {}))
    writer = PdfWriter(clone_from=reader)
    writer.metadata = None
    root = writer.root_object
    if "/Metadata" in root:
        del root["/Metadata"]
        removed.append("XMP")
    out = io.BytesIO()
    writer.write(out)
    return Scrubbed(out.getvalue(), removed)


_CORE_EMPTY = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    b' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)
_APP_EMPTY = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
)
_PROPERTY_PARTS = ("docProps/core.xml", "docProps/app.xml")
_MAX_PROPERTY_PART = 1024 * 1024


def _strip_ooxml(data: bytes, limits: Limits) -> Scrubbed:
    """Rewrite the package member by member, in chunks: the property parts are replaced, the rest copied."""
    check_archive(io.BytesIO(data), limits)
    removed = []
    out = io.BytesIO()
    budget = budget_for(limits)
    try:
        with (
            zipfile.ZipFile(io.BytesIO(data)) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for item in source.infolist():
                if item.filename == "docProps/custom.xml":
                    removed.append("custom properties")
                    continue
                if item.filename in _PROPERTY_PARTS:
                    text = b"".join(iter_member(source, item, [min(budget[0], _MAX_PROPERTY_PART)]))
                    text = text.decode("utf-8", "replace")
                    if item.filename == "docProps/core.xml":
                        pattern = r"<(dc:creator|cp:lastModifiedBy|dc:title|dc:subject|cp:keywords)"
                        removed += re.findall(pattern, text)
                        target.writestr(item.filename, _CORE_EMPTY)
                    else:
                        removed += re.findall(r"<(Company|Manager)>", text)
                        target.writestr(item.filename, _APP_EMPTY)
                    continue
                copy = zipfile.ZipInfo(item.filename, date_time=item.date_time)
                copy.compress_type = zipfile.ZIP_DEFLATED
                copy.external_attr = item.external_attr
                with target.open(copy, "w") as sink:
                    for chunk in iter_member(source, item, budget):
                        sink.write(chunk)
    except FileRefused:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise refused_unreadable() from exc
    return Scrubbed(out.getvalue(), sorted(set(removed)))


_TAG = re.compile(r"<[^>]*>")


class TextUnavailable(Exception):
    """The file's text could not be read within the bounds (pdftext): it may hide anything."""


def iter_text(data: bytes, kind: str, limits: Limits | None = None) -> Iterator[str]:
    """Plain text of a PDF, Word file or image metadata for the leak check, in chunks (a Word file is
    never inflated whole); nothing for other types or unreadable files. Raises TextUnavailable for a
    PDF whose text cannot be read within the CPU and memory bounds of pdftext."""
    limits = limits or Limits.from_config()
    if kind == "pdf":
        read = pdftext.read(data)
        if read is None:
            raise TextUnavailable
        texts, information = read
        yield from texts
        yield information
        return
    try:
        if kind == "docx":
            check_archive(io.BytesIO(data), limits)
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                yield from _xml_text(iter_member(archive, archive.getinfo("word/document.xml"), budget_for(limits)))
        elif kind in IMAGE_KINDS:
            yield images.image_text(io.BytesIO(data), limits)
    except Exception:  # noqa: BLE001 - a file we cannot read gives no text, not an error
        return


def _xml_text(chunks: Iterable[bytes]) -> Iterator[str]:
    """Markup replaced by spaces, chunk by chunk; a tag cut by a chunk boundary is carried over."""
    carry = ""
    for chunk in chunks:
        text = carry + chunk.decode("utf-8", "ignore")
        cut = text.rfind("<")
        if cut != -1 and text.find(">", cut) == -1:
            text, carry = text[:cut], text[cut:]
        else:
            carry = ""
        yield _TAG.sub(" ", text)


def extract_text(data: bytes, kind: str) -> str:
    """Plain text of a PDF, Word file or image metadata (bounded by the archive limits and pdftext's).
    Raises TextUnavailable."""
    return "".join(iter_text(data, kind))


def find_in_text(chunks: Iterable[str], needles: Iterable[str]) -> set[str]:
    """The needles found in streamed text, ignoring case and runs of whitespace, across chunk boundaries."""
    wanted = {needle: re.sub(r"\s+", " ", needle).casefold() for needle in needles}
    overlap = max((len(n) for n in wanted.values()), default=0)
    found: set[str] = set()
    tail = ""
    for chunk in chunks:
        window = re.sub(r"\s+", " ", tail + chunk.casefold())
        found |= {needle for needle, folded in wanted.items() if folded in window}
        tail = window[-overlap:] if overlap else ""
    return found
