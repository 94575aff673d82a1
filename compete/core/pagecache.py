"""A small process-local cache of rendered public pages for anonymous visitors.

The public call page and the home page are the same for every anonymous visitor in one language,
and they are what a crowd hits before a deadline. Each gunicorn worker keeps the rendered HTML
for PAGE_CACHE_SECONDS (0 turns the cache off), and never past the next moment a stage opens or
closes, so a deadline is never shown on the wrong side. Changes by officers reach anonymous
visitors within those seconds; signed-in users, requests with a query string and requests with a
pending flash message always render afresh.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from datetime import datetime

from flask import current_app, request, session
from flask_babel import get_locale
from flask_login import current_user

MAX_ENTRIES = 256

_lock = threading.Lock()
_entries: OrderedDict[tuple, tuple[float, str]] = OrderedDict()


def key_for(page: str, *parts) -> tuple | None:
    """The cache key for this request, or None when it must not be served from the cache."""
    if current_app.config.get("PAGE_CACHE_SECONDS", 0) <= 0:
        return None
    if request.method != "GET" or request.args or "_flashes" in session:
        return None
    if current_user.is_authenticated:
        return None
    return (page, str(get_locale()), *parts)


def get(key: tuple | None) -> str | None:
    if key is None:
        return None
    with _lock:
        entry = _entries.get(key)
        if entry is None:
            return None
        expires, body = entry
        if expires <= time.monotonic():
            del _entries[key]
            return None
        _entries.move_to_end(key)
        return body


def put(key: tuple | None, body: str, *, until: datetime | None = None, moment: datetime | None = None) -> None:
    """Keep `body` for PAGE_CACHE_SECONDS, or until `until` (a stage opening or closing) if sooner."""
    if key is None:
        return
    ttl = float(current_app.config.get("PAGE_CACHE_SECONDS", 0))
    if until is not None and moment is not None:
        ttl = min(ttl, (until - moment).total_seconds())
    if ttl <= 0:
        return
    with _lock:
        _entries[key] = (time.monotonic() + ttl, body)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)


def clear() -> None:
    with _lock:
        _entries.clear()


def next_boundary(stages, moment: datetime) -> datetime | None:
    """The next moment any of these stages opens, closes or stops taking questions."""
    times = [
        t
        for stage in stages
        for t in (stage.opens_at, stage.deadline_at, getattr(stage, "question_deadline_at", None))
        if t is not None and t > moment
    ]
    return min(times, default=None)
