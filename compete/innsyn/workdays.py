"""Norwegian working days: weekdays that are not public holidays (helligdager, 1 May and 17 May)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache

from dateutil.easter import easter

from compete.core.time import oslo_to_utc, to_oslo


@cache
def public_holidays(year: int) -> frozenset[date]:
    sunday = easter(year)
    moving = (-3, -2, 1, 39, 50)  # Maundy Thursday, Good Friday, Easter Monday, Ascension, Whit Monday
    fixed = ((1, 1), (5, 1), (5, 17), (12, 25), (12, 26))
    return frozenset([sunday + timedelta(days=d) for d in moving] + [date(year, m, d) for m, d in fixed])


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def add_working_days(moment: datetime, days: int) -> datetime:
    """The end (23:59 Oslo time) of the `days`-th working day after the Oslo date of `moment`."""
    day = to_oslo(moment).date()
    left = days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return oslo_to_utc(datetime(day.year, day.month, day.day, 23, 59))


def working_days_between(start: datetime, end: datetime) -> int:
    """Working days after the Oslo date of `start` up to and including the Oslo date of `end` (0 on the same day)."""
    first, last = to_oslo(start).date(), to_oslo(end).date()
    count, day = 0, first
    while day < last:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
