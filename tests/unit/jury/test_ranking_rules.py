"""The ranking follows the published tie-break rule (R25) and never drops an entry (R27, R29)."""

import pytest

from compete.core.errors import DomainError
from compete.extensions import db
from compete.jury import queries, services
from compete.jury.models import Answer
from tests.factories_jury import declare_all_clear, make_jury_stage, score

# Weights by position 15/30/30/25: the first criterion is the lightest, not the heaviest.
# Every entry totals 6.0: A is best on the first criterion, D has the highest lowest score,
# B would win on the heaviest criterion.
SCORES = {"A": [10, 5, 5, 6], "B": [0, 10, 10, 0], "D": [6, 6, 6, 6]}


@pytest.fixture
def tied(app):
    setup, _officer, entries, seats = make_jury_stage(entries=3, jurors=1)
    criteria = sorted(setup.stage.criteria, key=lambda c: c.position)
    for criterion, weight in zip(criteria, (15, 30, 30, 25), strict=True):
        criterion.weight = weight
    db.session.flush()
    declare_all_clear(seats[0], entries)
    named = dict(zip(SCORES, entries, strict=True))
    for name, entry in named.items():
        score(seats[0], entry, SCORES[name])
    return setup.stage, named


def _order(stage, named):
    codes = {e.id: name for name, e in named.items()}
    return [(codes[r.entry], r.rank) for r in queries.ranking(stage)]


def test_first_criterion_means_first_by_position(tied):
    stage, named = tied
    stage.tie_break_rule = "highest_first_criterion"
    assert _order(stage, named) == [("A", 1), ("D", 2), ("B", 3)]


def test_highest_minimum_ranks_by_the_lowest_criterion(tied):
    stage, named = tied
    stage.tie_break_rule = "highest_minimum"
    assert _order(stage, named) == [("D", 1), ("A", 2), ("B", 3)]


@pytest.mark.parametrize("rule", ["jury_vote", "lot"])
def test_rules_decided_outside_leave_the_tie_shown(tied, rule):
    stage, _named = tied
    stage.tie_break_rule = rule
    ranking = queries.ranking(stage)
    assert {r.rank for r in ranking} == {1}
    assert all(len(r.tied_with) == 2 and not r.broken_tie_with for r in ranking)


def test_a_tie_broken_by_the_rule_is_still_shown(tied):
    stage, named = tied
    stage.tie_break_rule = "highest_first_criterion"
    ranking = {r.entry: r for r in queries.ranking(stage)}
    first = ranking[named["A"].id]
    assert first.tied_with == () and set(first.broken_tie_with) == {named["B"].id, named["D"].id}
    row = queries.jury_report(stage)["ranking"][0]
    assert row["code"] == named["A"].code
    assert sorted(row["broken_tie_with"]) == sorted([named["B"].code, named["D"].code])


def test_an_entry_nobody_can_score_stays_in_the_ranking_and_blocks_the_report(app):
    _setup, _officer, entries, seats = make_jury_stage(entries=2, jurors=2)
    for seat in seats:
        declare_all_clear(seat, entries, {entries[0].id: (Answer.CONFLICT, "Eier i selskapet")})
        score(seat, entries[1], [5, 5, 5, 5])
    ranking = queries.ranking(seats[0].stage)
    assert [(r.entry, r.rank, r.total) for r in ranking] == [(entries[1].id, 1, 5.0), (entries[0].id, 2, None)]
    report = queries.jury_report(seats[0].stage)
    assert [r["code"] for r in report["ranking"]] == [entries[1].code, entries[0].code]
    assert report["no_scorers"] == [entries[0].code]
    with pytest.raises(DomainError) as excinfo:
        services.approve_report(seats[0])
    assert excinfo.value.code == "no_scorers"


def _totals_of(stage):
    juror_totals = queries.totals(stage)[0]
    return {entry: total for row in juror_totals.values() for entry, total in row.items()}


def test_only_complete_submitted_scorecards_count(app):
    """The database folds each scorecard into one row: a draft, a card with an empty score and a card
    with a score for a criterion of another stage are all left out; complete cards give Σ score ×
    weight / 100 exactly."""
    from compete.jury.models import Score, Scorecard

    setup, _officer, entries, seats = make_jury_stage(entries=4, jurors=1)
    declare_all_clear(seats[0], entries)
    complete, draft, empty, foreign = entries
    score(seats[0], complete, [7, 8, 9, 6])
    score(seats[0], draft, [7, 8, 9, 6], submit=False)
    score(seats[0], empty, [7, 8, 9, 6])
    score(seats[0], foreign, [7, 8, 9, 6])
    card = db.session.scalars(db.select(Scorecard).where(Scorecard.submission_id == empty.id)).one()
    card.scores[0].value = None
    other, *_ = make_jury_stage(entries=1, jurors=1)
    card = db.session.scalars(db.select(Scorecard).where(Scorecard.submission_id == foreign.id)).one()
    db.session.add(Score(scorecard_id=card.id, criterion_id=other.stage.criteria[0].id, value=5))
    db.session.flush()
    weights = [c.weight for c in sorted(setup.stage.criteria, key=lambda c: c.position)]
    expected = sum(v * w for v, w in zip([7, 8, 9, 6], weights, strict=True)) / 100
    assert _totals_of(setup.stage) == {complete.id: expected}
    assert queries.ranking(setup.stage)[0].entry == complete.id


def test_a_changed_score_changes_the_ranking_at_once(tied):
    """The statistics are kept under their inputs: the next ranking after a change is computed anew."""
    from compete.jury.models import Scorecard

    stage, named = tied
    stage.tie_break_rule = "highest_first_criterion"
    assert _order(stage, named) == [("A", 1), ("D", 2), ("B", 3)]
    card = db.session.scalars(db.select(Scorecard).where(Scorecard.submission_id == named["B"].id)).one()
    for s in card.scores:
        s.value = 10
    db.session.flush()
    assert _order(stage, named) == [("B", 1), ("A", 2), ("D", 3)]
    robust, _alpha = queries.robustness_and_agreement(queries.totals(stage)[0], 1, "mean", {})
    assert robust.baseline == frozenset({named["B"].id})
