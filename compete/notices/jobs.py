"""The worker validates generated notices against every eForms Schematron rule (loading the rules
takes about 15 s once per worker process; each notice then takes well under a second)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from compete.core.jobs import register_job
from compete.notices.services import validate_pending


def cache_dir() -> Path:
    return Path(current_app.config["EFORMS_CACHE_DIR"])


def validate_notices() -> int:
    return validate_pending(cache_dir())


register_job("notices.validate", 10, validate_notices)
