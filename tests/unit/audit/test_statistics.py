"""Programme statistics on hand-computed examples."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from compete.audit import statistics
from compete.audit.statistics import Share, day_span, programme_statistics, shares, statistics_for
from compete.awards.models import Decision
from compete.extensions import db
from tests.factories_protocol import CATEGORIES, at, make_record


def test_day_span_to_one_decimal():
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert day_span(start, start + timedelta(days=14)) == Decimal("14.0")
    assert day_span(start, start + timedelta(days=2, hours=3)) == Decimal("2.1")  # 2.125
    assert day_span(start, start + timedelta(hours=36)) == Decimal("1.5")
    assert day_span(start, start + timedelta(hours=3)) == Decimal("0.1")  # 0.125 -> 0.1
    assert day_span(start, start + timedelta(hours=6)) == Decimal("0.3")  # 0.25 -> 0.3 (half up)
    assert day_span(None, start) is None


def test_shares_sum_and_order():
    assert shares({"Oppstartsbedrift": 1, "Sosial entreprenør": 2}) == [
        Share("Sosial entreprenør", 2, Decimal("66.7")),
        Share("Oppstartsbedrift", 1, Decimal("33.3")),
    ]
    assert shares({"b": 1, "a": 1, "c": 2}) == [
        Share("c", 2, Decimal("50.0")),
        Share("a", 1, Decimal("25.0")),
        Share("b", 1, Decimal("25.0")),
    ]
    assert shares({}) == []


def test_competition_statistics_from_the_record(app):
    r = make_record()
    decided = at(30)
    db.session.add(Decision(stage=r.stage, decided_by=r.officer, decided_at=decided))
    db.session.flush()
    (stats,) = statistics_for([r.competition])
    first, second = stats.stages
    # Three entries submitted (one of them twice), one withdrawn; one found eligible so far.
    assert (first.submitted, first.eligible, first.withdrawn) == (3, 1, 1)
    assert stats.sketches == 3
    assert (first.announced, second.announced, stats.announced) == (150_000, 450_000, 600_000)
    # Opened 1 March 09:00, deadline extended to 18 March 09:00, decided 1 April 09:00.
    assert (first.window_days, first.evaluation_days, first.total_days) == (
        Decimal("17.0"),
        Decimal("14.0"),
        Decimal("31.0"),
    )
    assert second.decided_at is None and second.evaluation_days is None
    # Categories of the submitted sketches (the withdrawn non-profit is not counted).
    assert stats.categories == [Share(CATEGORIES[0], 2, Decimal("66.7")), Share(CATEGORIES[1], 1, Decimal("33.3"))]


def test_payments_per_stage_are_shown_per_stage(app, monkeypatch):
    r = make_record(formal_check=False)
    monkeypatch.setattr(statistics, "paid_by_stage", lambda ids: {ids[0]: 100_000})
    (stats,) = statistics_for([r.competition])
    assert [s.paid for s in stats.stages] == [100_000, 0]
    assert stats.paid == 100_000


def test_programme_statistics_add_up_competitions(app):
    first = make_record(formal_check=False)
    second = make_record(formal_check=False)
    stats = programme_statistics([first.competition, second.competition])
    assert stats.sketches == 6
    assert stats.announced == 1_200_000
    assert stats.categories == [Share(CATEGORIES[0], 4, Decimal("66.7")), Share(CATEGORIES[1], 2, Decimal("33.3"))]


def test_statistics_query_count_does_not_grow_with_competitions(app, count_queries):
    records = [make_record(formal_check=False) for _ in range(3)]
    buyer_ids = [r.buyer.id for r in records]
    db.session.expire_all()
    from compete.competitions.queries import managed_competitions

    with count_queries() as one:
        programme_statistics(managed_competitions(buyer_ids[:1]))
    with count_queries() as three:
        programme_statistics(managed_competitions(buyer_ids))
    assert one.count == three.count
