"""The worker validates generated notices against every eForms Schematron rule (loading the rules
takes about 15 s once per worker process; each notice then takes well under a second)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from compete.core.jobs import register_job
from compete.notices.queries import pending_notices
from compete.notices.services import validate_pending
from compete.notices.validation import ready


def cache_dir() -> Path:
    return Path(current_app.config["EFORMS_CACHE_DIR"])


def validate_notices() -> int:
    """Validate what waits, once the rules are loaded (the first tick with work starts the loading)."""
    if not pending_notices(limit=1) or not ready(cache_dir()):
        return 0
    return validate_pending(cache_dir())


register_job("notices.validate", 10, validate_notices)
