"""Work every process would otherwise do on its first requests, done once before gunicorn forks.

A worker forked from a master that never rendered a page compiles each template and reads each
catalogue on first use: ~1 s of CPU spread over its first requests, paid again whenever a worker is
recycled (max_requests), while the other worker carries the load. With `preload_app`, the master
runs `warm(app)` (gunicorn.conf.py's `when_ready`) and every worker starts with both in memory.
The libraries imported only inside the functions that need them are imported here too: pypdf alone
took ~0.6 s on a worker's first upload (a participant's save of 1 s in the deadline surge), WeasyPrint
~2 s on its first PDF.
"""

from __future__ import annotations

import importlib

from flask import Flask
from flask_babel import force_locale, get_translations

# Imported where used (a command or a test need not pay for them), but by every web worker sooner or later.
LAZY_IMPORTS = ("pypdf", "pypdfium2", "PIL.Image", "openpyxl", "weasyprint")


def warm(app: Flask) -> dict:
    """Compile every template, load every language's catalogues and import the libraries the views
    import lazily; returns what was warmed."""
    environment = app.jinja_env
    names = environment.list_templates(extensions=("html", "txt"))
    # Jinja keeps compiled templates in an LRU of `cache_size`; make room for all of them.
    if environment.cache is not None and environment.cache.capacity < len(names) + 100:
        from jinja2.utils import LRUCache

        environment.cache = LRUCache(len(names) + 100)
    for name in names:
        environment.get_template(name)
    languages = list(app.config.get("LANGUAGES", ("nb",)))
    with app.test_request_context("/"):
        for code in languages:
            with force_locale(code):
                get_translations()
    modules = [importlib.import_module(name).__name__ for name in LAZY_IMPORTS]
    return {"templates": len(names), "languages": languages, "modules": modules}
