from datetime import UTC, datetime

import pytest

from compete.core.time import InvalidLocalTime, oslo_to_utc, to_oslo


def test_winter_time_is_utc_plus_one():
    assert oslo_to_utc(datetime(2026, 3, 15, 12, 0)) == datetime(2026, 3, 15, 11, 0, tzinfo=UTC)


def test_summer_time_is_utc_plus_two():
    assert oslo_to_utc(datetime(2026, 6, 5, 12, 0)) == datetime(2026, 6, 5, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("minute", [0, 30, 59])
def test_spring_gap_is_refused(minute):
    # 29 March 2026: clocks jump from 02:00 to 03:00, so 02:xx never happens.
    with pytest.raises(InvalidLocalTime) as excinfo:
        oslo_to_utc(datetime(2026, 3, 29, 2, minute))
    assert excinfo.value.kind == "nonexistent"


@pytest.mark.parametrize("minute", [0, 30, 59])
def test_autumn_overlap_is_refused(minute):
    # 25 October 2026: clocks go back from 03:00 to 02:00, so 02:xx happens twice.
    with pytest.raises(InvalidLocalTime) as excinfo:
        oslo_to_utc(datetime(2026, 10, 25, 2, minute))
    assert excinfo.value.kind == "ambiguous"


def test_times_next_to_the_changes_are_accepted():
    assert oslo_to_utc(datetime(2026, 3, 29, 1, 59)) == datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
    assert oslo_to_utc(datetime(2026, 3, 29, 3, 0)) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert oslo_to_utc(datetime(2026, 10, 25, 1, 59)) == datetime(2026, 10, 24, 23, 59, tzinfo=UTC)
    assert oslo_to_utc(datetime(2026, 10, 25, 3, 0)) == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)


def test_aware_input_is_rejected():
    with pytest.raises(ValueError):
        oslo_to_utc(datetime(2026, 3, 15, 12, 0, tzinfo=UTC))


def test_to_oslo_round_trip():
    assert to_oslo(datetime(2026, 6, 5, 10, 0, tzinfo=UTC)).strftime("%H:%M") == "12:00"


def test_clock_can_be_frozen_and_advanced(clock):
    from datetime import timedelta

    from compete.core.time import now

    clock.set(datetime(2026, 3, 15, 11, 0, tzinfo=UTC))
    assert now() == datetime(2026, 3, 15, 11, 0, tzinfo=UTC)
    clock.advance(timedelta(seconds=1))
    assert now() == datetime(2026, 3, 15, 11, 0, 1, tzinfo=UTC)
