"""Bounds for ZIP-based uploads (DOCX, XLSX, PPTX): refuse bombs from the central directory before any
member is inflated, and inflate what is accepted in chunks, never a whole member at once.

Every function takes a seekable binary stream, so the same checks serve a form upload and an object read
back from storage (e.g. after a direct upload to S3).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app, has_app_context

from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l

CHUNK = 64 * 1024
# A small member may compress very well (repeated XML) without any risk; the ratio bound applies above this.
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_ENTRIES = 5000


class FileRefused(DomainError):
    """The file is refused by its content (a bomb, unreadable, too many pixels); nothing was stored."""


@dataclass(frozen=True)
class Limits:
    max_uncompressed: int
    max_ratio: int
    max_pixels: int

    @classmethod
    def from_config(cls) -> Limits:
        config = current_app.config if has_app_context() else {}
        return cls(
            max_uncompressed=int(config.get("UPLOAD_MAX_UNCOMPRESSED_MB", 100)) * 1024 * 1024,
            max_ratio=int(config.get("UPLOAD_MAX_RATIO", 100)),
            max_pixels=int(config.get("UPLOAD_MAX_IMAGE_PIXELS", 40_000_000)),
        )


def refused_bomb() -> FileRefused:
    return FileRefused(
        _l("The file unpacks to far more than its size (a compressed archive that is too large or suspicious)."),
        code="archive_bomb",
    )


def refused_unreadable() -> FileRefused:
    return FileRefused(_l("The file is damaged or could not be read."), code="unreadable")


def check_archive(stream: BinaryIO, limits: Limits | None = None) -> None:
    """Refuse a ZIP whose declared members are too many, too large in total, or inflate too steeply.

    Reads only the central directory. Members are later inflated through `iter_member`, which also
    stops at the declared size, so a directory that lies about sizes cannot get past these bounds.
    """
    limits = limits or Limits.from_config()
    try:
        stream.seek(0)
        end = zipfile._EndRecData(stream)  # the end record alone: how many entries, before parsing them
        if end is None:
            raise refused_unreadable()
        if end[zipfile._ECD_ENTRIES_TOTAL] > MAX_ENTRIES:
            raise refused_bomb()
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
    except FileRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise refused_unreadable() from exc
    finally:
        stream.seek(0)
    if len(infos) > MAX_ENTRIES:
        raise refused_bomb()
    total = 0
    for info in infos:
        total += info.file_size
        if total > limits.max_uncompressed:
            raise refused_bomb()
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise refused_bomb()


def iter_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> Iterator[bytes]:
    """A member's bytes in chunks; `budget` ([bytes left]) is shared by every member of one archive."""
    with archive.open(info) as member:
        while chunk := member.read(CHUNK):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise refused_bomb()
            yield chunk


def budget_for(limits: Limits) -> list[int]:
    """The bytes one archive may inflate to in total, shared by `iter_member` calls."""
    return [limits.max_uncompressed]
