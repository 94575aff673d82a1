"""Scheduled jobs of the audit domain, run by `flask worker`: the daily seal of every chain's head
outside the database (storage object and e-mail to the officers whose chain moved), R41."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from compete.audit.models import DailySeal
from compete.audit.seals import daily_seal
from compete.core.jobs import register_job
from compete.core.time import now, to_oslo
from compete.extensions import db


def seal() -> int:
    """Seal once per day (Europe/Oslo): the first run of the day claims the day, and a worker that
    restarts, or a second worker on another machine, finds it claimed and does nothing. The officers
    are mailed about the chains that moved since the previous seal. Returns the heads sealed."""
    moment = now()
    day = to_oslo(moment).date()
    if db.session.scalar(select(DailySeal.id).where(DailySeal.day == day)) is not None:
        return 0
    previous = db.session.scalar(select(func.max(DailySeal.sealed_at)))
    claim = DailySeal(day=day, sealed_at=moment)
    try:
        with db.session.begin_nested():
            db.session.add(claim)
    except IntegrityError:
        return 0  # another worker claimed the day between our look and our insert (PostgreSQL)
    key, sealed, _mailed = daily_seal(moment - previous if previous else timedelta(days=1))
    claim.storage_key = key
    db.session.flush()
    return len(sealed)


# Hourly: the day's seal is made within the hour after midnight or after the worker starts, and
# only once (the claim above).
register_job("audit.seal", 3600, seal)
