"""Time: the server clock (aware UTC) and Europe/Oslo conversion (R6).

`now()` is the one clock the application reads. Tests freeze it with
`freeze()`/`unfreeze()` (see tests/conftest.py `clock`).
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")

_frozen: datetime | None = None


def now() -> datetime:
    """The authoritative server time, aware UTC."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC)


def freeze(moment: datetime) -> None:
    global _frozen
    if moment.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = moment.astimezone(UTC)


def advance(delta: timedelta) -> None:
    freeze(now() + delta)


def unfreeze() -> None:
    global _frozen
    _frozen = None


class InvalidLocalTime(ValueError):
    """A Europe/Oslo wall-clock time that does not exist or is ambiguous."""

    def __init__(self, local: datetime, kind: str):
        self.local = local
        self.kind = kind  # "nonexistent" or "ambiguous"
        super().__init__(f"{local:%Y-%m-%d %H:%M} is {kind} in Europe/Oslo")


def oslo_to_utc(local: datetime) -> datetime:
    """Convert a naive Europe/Oslo wall-clock time to aware UTC.

    Refuses times skipped at the spring change (02:00–03:00 does not exist) and
    times repeated at the autumn change (02:00–03:00 happens twice).
    """
    if local.tzinfo is not None:
        raise ValueError("oslo_to_utc() takes a naive local time")
    first = local.replace(tzinfo=OSLO, fold=0)
    second = local.replace(tzinfo=OSLO, fold=1)
    if first.utcoffset() != second.utcoffset():
        # Either skipped (the round trip moves the wall clock) or repeated.
        round_trip = first.astimezone(UTC).astimezone(OSLO).replace(tzinfo=None)
        raise InvalidLocalTime(local, "nonexistent" if round_trip != local else "ambiguous")
    return first.astimezone(UTC)


def to_oslo(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(OSLO)


def oslo_date_time_to_utc(day: date, clock: time) -> datetime:
    return oslo_to_utc(datetime.combine(day, clock))


class frozen_at:
    """Run a block as if the clock showed `moment` (demo data, tests); restores the previous clock."""

    def __init__(self, moment: datetime):
        self.moment = moment
        self.previous: datetime | None = None

    def __enter__(self):
        self.previous = _frozen
        freeze(self.moment)
        return self

    def __exit__(self, *exc):
        global _frozen
        _frozen = self.previous
        return False
