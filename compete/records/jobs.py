"""Scheduled jobs of the records domain, run by `flask worker`: minimisation after each stage's
complaint period (R45). Idempotent, so running it often costs only the check."""

from __future__ import annotations

from compete.core.jobs import register_job
from compete.core.time import now
from compete.records.minimisation import run_minimisation


def minimise() -> int:
    return len(run_minimisation(now()))


register_job("records.minimise", 6 * 3600, minimise)
