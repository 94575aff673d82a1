"""Writes for records management: the officer changes a competition's retention period (R43)."""

from __future__ import annotations

from flask import current_app

from compete.audit.services import Actor, record
from compete.competitions.models import Competition
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.records.retention import _add_years, ended_at


def retention_bounds() -> tuple[int, int]:
    """(fewest, most) years a competition's record may be kept, from the configuration."""
    config = current_app.config
    return int(config.get("RETENTION_YEARS_MIN", 5)), int(config.get("RETENTION_YEARS_MAX", 30))


def set_retention(competition: Competition, actor: Actor, years, reason: str) -> None:
    """Set the retention period to `years`, with a reason; audited with the old and new period.

    Refused outside the configured bounds (the minimum is what the law asks, e.g. five years of
    accounting records), without a reason, and when a shorter period would already have run out
    for a competition that has ended: a record is never made deletable by shortening it."""
    lowest, highest = retention_bounds()
    if isinstance(years, bool) or not isinstance(years, int) or not lowest <= years <= highest:
        raise DomainError(
            _l("The retention period must be between %(min)s and %(max)s years.", min=lowest, max=highest),
            code="bounds",
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Give the reason for the change."), code="reason")
    before = competition.retention_years
    if years == before:
        raise DomainError(_l("The retention period is already %(years)s years.", years=years), code="unchanged")
    ended = ended_at(competition)
    if years < before and ended is not None and _add_years(ended, years) <= now():
        raise DomainError(
            _l("A shorter period would already have run out; the record must be kept as it is."),
            code="expired",
        )
    competition.retention_years = years
    record(
        actor,
        "records.retention_changed",
        competition,
        competition=competition,
        before={"retention_years": before},
        after={"retention_years": years, "reason": reason},
    )
