"""Uploaded files: real type by content, safe names, hashes, metadata stripping (R19), text for the leak check."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

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


def detect_type(data: bytes) -> str | None:
    """The file's real type from its content, or None when it is not one we accept."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
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


def safe_filename(name: str, kind: str) -> str:
    """A display name without paths or control characters, ending in the real type's extension."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"[^\w\s.,()\-æøåÆØÅ]", "_", stem).strip(" ._") or "file"
    return f"{stem[:120]}.{kind}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Scrubbed:
    data: bytes
    removed: list[str]


def strip_metadata(data: bytes, kind: str) -> Scrubbed:
    """A copy without author, company, title and similar document properties."""
    if kind == "pdf":
        return _strip_pdf(data)
    if kind in OOXML_PARTS:
        return _strip_ooxml(data)
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


def _strip_ooxml(data: bytes) -> Scrubbed:
    removed = []
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                removed += re.findall(
                    r"<(dc:creator|cp:lastModifiedBy|dc:title|dc:subject|cp:keywords)",
                    content.decode("utf-8", "replace"),
                )
                content = _CORE_EMPTY
            elif item.filename == "docProps/app.xml":
                removed += re.findall(r"<(Company|Manager)>", content.decode("utf-8", "replace"))
                content = _APP_EMPTY
            elif item.filename == "docProps/custom.xml":
                removed.append("custom properties")
                continue
            target.writestr(item, content)
    return Scrubbed(out.getvalue(), sorted(set(removed)))


def extract_text(data: bytes, kind: str) -> str:
    """Plain text of a PDF or Word file for the leak check; empty for other types."""
    try:
        if kind == "pdf":
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            parts = [page.extract_text() or "" for page in reader.pages]
            info = reader.metadata or {}
            parts += [str(value) for value in info.values()]
            return "\n".join(parts)
        if kind == "docx":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                xml = archive.read("word/document.xml").decode("utf-8", "replace")
            return re.sub(r"<[^>]+>", " ", xml)
    except Exception:  # noqa: BLE001 - a file we cannot read gives no text, not an error
        return ""
    return ""
