"""Outcome evidence must be aggregated and pseudonymised (R50): refuse what looks like personal data.

Norwegian national identity numbers (fødselsnummer, D- and H-numbers) are 11 digits: a birth date and
two mod-11 control digits, checked by python-stdnum; e-mail addresses name people. Both are looked for
in the statement and in the text of the evidence file."""

from __future__ import annotations

import io
import re
import zipfile

from stdnum.no import fodselsnummer

from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.submissions import files

EVIDENCE_TYPES = ("pdf", "xlsx", "docx", "csv", "txt")
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
CONTENT_TYPES = {**files.CONTENT_TYPES, "csv": "text/csv", "txt": "text/plain"}

# 11 digits, optionally written "DDMMYY NNNNN" or "DDMMYY-NNNNN", not part of a longer number.
_ID_CANDIDATE = re.compile(r"(?<![\d.,])(\d{6})[ \-\u00a0]?(\d{5})(?![\d])")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(\.[\w\-]+)+", re.UNICODE)


def is_national_id(number: str) -> bool:
    """True for 11 digits with a possible birth date and valid control digits (fødselsnummer, D- or H-number)."""
    return len(number) == 11 and number.isdigit() and fodselsnummer.is_valid(number)


def personal_data_found(text: str) -> list[str]:
    """The kinds of personal data found in `text`: "national_id", "email" (never the values)."""
    found = []
    if any(is_national_id(a + b) for a, b in _ID_CANDIDATE.findall(text or "")):
        found.append("national_id")
    if _EMAIL.search(text or ""):
        found.append("email")
    return found


def detect_evidence_type(data: bytes) -> str | None:
    """pdf, xlsx, docx by content; csv or txt for UTF-8 text without control bytes."""
    kind = files.detect_type(data)
    if kind is not None:
        return kind if kind in EVIDENCE_TYPES else None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
        return None
    first = text.split("\n", 1)[0]
    return "csv" if ("," in first or ";" in first) else "txt"


def evidence_text(data: bytes, kind: str) -> str:
    """The readable text of an evidence file, for the personal-data check."""
    if kind in ("csv", "txt"):
        return data.decode("utf-8-sig", "replace")
    if kind == "xlsx":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                parts = [
                    archive.read(name).decode("utf-8", "replace")
                    for name in archive.namelist()
                    if name == "xl/sharedStrings.xml" or name.startswith("xl/worksheets/")
                ]
        except zipfile.BadZipFile:
            return ""
        return re.sub(r"<[^>]+>", " ", "\n".join(parts))
    try:
        return files.extract_text(data, kind)
    except files.TextUnavailable as exc:
        raise DomainError(
            _l("The evidence file could not be read to check it for personal data (it is too large or complex)."),
            code="unreadable",
        ) from exc


def safe_filename(name: str, kind: str) -> str:
    return files.safe_filename(name, kind)
