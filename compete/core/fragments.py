"""Rendered table rows, cached under everything they show.

A long table (300 receipts, 300 ranked entries) spends most of its time in Jinja, formatting each
row again on every request. A row's HTML is a pure function of the values passed to its macro, the
language and the time zone, so the rendered row is kept under a key made of exactly those: a changed
value is a new key (nothing to invalidate, nothing stale), and a table whose rows did not change is
joined from the cache instead of rendered. The macro runs in its template's module, which sees the
environment's globals and filters (url_for, gettext, |datetime) but no request context variables:
whatever a row shows has to come in through its arguments, and so is part of the key.

Process-local and bounded (least recently used rows go first); never shared between processes.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable

from flask import current_app
from flask_babel import get_locale, get_timezone
from markupsafe import Markup

MAX_ROWS = 20_000


class _LRU:
    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self.data: OrderedDict = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key):
        with self.lock:
            value = self.data.get(key)
            if value is not None:
                self.data.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return value

    def put(self, key, value) -> None:
        with self.lock:
            self.data[key] = value
            if len(self.data) > self.maxsize:
                self.data.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.data.clear()
            self.hits = self.misses = 0


cache = _LRU(MAX_ROWS)
_tokens = itertools.count(1)  # one per Jinja environment (each app in the tests has its own)


def rows(template: str, macro: str, items: Iterable[Hashable], *shared: Hashable) -> Markup:
    """`macro(item, *shared)` of `template` for each item, joined. Items and shared values must be
    hashable (tuples, frozen dataclasses, strings, numbers, dates) and hold everything the row shows."""
    environment = current_app.jinja_env
    render = getattr(environment.get_template(template).module, macro)
    if environment.auto_reload:  # templates may change under a development server: render every row
        return Markup("").join(render(item, *shared) for item in items)
    token = environment.globals.setdefault("_fragment_cache_token", next(_tokens))
    context = (template, macro, str(get_locale()), str(get_timezone()), token)
    parts = []
    for item in items:
        key = (context, item, shared)
        html = cache.get(key)
        if html is None:
            html = render(item, *shared)
            cache.put(key, html)
        parts.append(html)
    return Markup("").join(parts)
