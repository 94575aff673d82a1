"""Handing a stored file to the browser once the caller has checked permission and logged it:
a short-lived presigned URL where the storage has one (S3), otherwise a stream."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, redirect, stream_with_context

from compete.storage.backends import StorageError, get_storage


def send_stored(key: str, filename: str, content_type: str, size: int):
    storage = get_storage()
    url = storage.presigned_url(key, filename, expires=60)
    if url:
        return redirect(url)
    try:
        chunks = storage.open(key)
    except StorageError:
        abort(503)
    return Response(
        stream_with_context(chunks),
        mimetype=content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "Content-Length": str(size),
        },
    )
