"""Demo: the minimisation job runs over the decided stages (R45), as the scheduled job would."""

from __future__ import annotations

from compete.core.time import now
from compete.records.minimisation import run_minimisation


def load(accounts: list[tuple[str, str]]) -> None:
    """Idempotent; flush only."""
    run_minimisation(now())
