"""Logs: one line per event, JSON in production, each carrying the request id.

The request id comes from the proxy (`X-Request-ID`, nginx's `$request_id`) when it looks like one,
otherwise it is made here; it is sent back on the response and on every e-mail the request queued.
Outside a request (worker, CLI) a job sets its own id with `job_context()`. Log lines name routes
(`/reset/<token>`), never paths, and messages by id, never by address: no personal data, no tokens.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_job_id: ContextVar[str | None] = ContextVar("compete_job_id", default=None)
request_log = logging.getLogger("compete.request")


def new_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    if has_request_context():
        return g.get("request_id")
    return _job_id.get()


@contextmanager
def job_context(name: str) -> Iterator[str]:
    """Give the log lines and e-mails of a worker job an id of their own."""
    job_id = f"{name}-{new_id()[:12]}"
    token = _job_id.set(job_id)
    try:
        yield job_id
    finally:
        _job_id.reset(token)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is now (gunicorn, the CLI and test runners replace it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


def configure_logging(app: Flask) -> None:
    """One handler on the root logger, JSON or text; replaced (not added to) each time an app is made."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_compete", False):
            root.removeHandler(handler)
    handler = _StderrHandler()
    handler._compete = True
    handler.addFilter(RequestIdFilter())
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                datefmt="%Y-%m-%dT%H:%M:%S%z",
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])


def register_request_ids(app: Flask) -> None:
    @app.before_request
    def _assign_request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _VALID_ID.match(incoming) else new_id()
        g.request_started = time.perf_counter()

    @app.after_request
    def _echo_request_id(response):
        request_id = g.get("request_id")
        if request_id:
            response.headers["X-Request-ID"] = request_id
        return response
