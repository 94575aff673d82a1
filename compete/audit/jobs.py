"""Scheduled jobs of the audit domain, run by `flask worker`: the daily seal of every chain's head
outside the database (storage object and e-mail to the officers whose chain moved), R41."""

from __future__ import annotations

from compete.audit.seals import daily_seal
from compete.core.jobs import register_job


def seal() -> int:
    _key, sealed, _mailed = daily_seal()
    return len(sealed)


register_job("audit.seal", 24 * 3600, seal)
