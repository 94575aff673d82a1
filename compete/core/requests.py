"""The request class: uploads parsed into memory instead of temporary files.

Werkzeug writes any upload in a request over 500 KB to a temporary file in small pieces and the
views then read it back whole (the file checks need its bytes). The body is already bounded by
MAX_CONTENT_LENGTH before it is read, so memory is bounded the same way; the disk round trip was
about 8 ms of a 5 MB upload's ~70 ms on the participant's save. Without a bound the default
(temporary files) is kept."""

from __future__ import annotations

import io
import typing as t

from flask import Request as FlaskRequest


class Request(FlaskRequest):
    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> t.IO[bytes]:
        if self.max_content_length is not None:
            return io.BytesIO()
        return super()._get_file_stream(total_content_length, content_type, filename, content_length)
