"""Norwegian working days for innsyn deadlines."""

from datetime import UTC, date, datetime

from compete.innsyn.workdays import add_working_days, is_working_day, working_days_between


def test_holidays_and_weekends_are_not_working_days():
    assert [is_working_day(date(2026, 4, d)) for d in (1, 2, 3, 4, 5, 6, 7)] == [
        True,  # Wednesday before Easter
        False,  # Maundy Thursday
        False,  # Good Friday
        False,
        False,
        False,  # Easter Monday
        True,
    ]
    assert [is_working_day(date(2026, 5, d)) for d in (1, 14, 17, 25)] == [False, False, False, False]


def test_three_working_days_over_easter():
    assert add_working_days(datetime(2026, 3, 31, 12, 0, tzinfo=UTC), 3) == datetime(2026, 4, 8, 21, 59, tzinfo=UTC)


def test_working_days_between_counts_after_the_first_day():
    monday = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert working_days_between(monday, monday) == 0
    assert working_days_between(monday, datetime(2026, 3, 9, 9, 0, tzinfo=UTC)) == 5
