"""The ranking: totals per juror and entry, tie-break values, the aggregated ranking and its
statistics, and the ranking as a juror with hidden entries may read it. The totals come from a
constant number of queries whatever the number of entries."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import replace

from sqlalchemy import case, func, select

from compete.competitions.models import Stage
from compete.extensions import db
from compete.jury import statistics
from compete.jury.models import EntryDeclaration, JurySeat, Score, Scorecard
from compete.jury.queries import cleared
from compete.submissions.models import Eligibility, Submission, SubmissionStatus


def totals(stage: Stage) -> tuple[dict, dict]:
    """(juror seat id -> entry id -> weighted total, entry id -> tie-break value under the stage's
    published rule; empty when the rule is not a score, i.e. a jury vote or a lot).

    Only submitted scorecards of active seats count, and only where the juror's declaration clears
    them for the entry: a conflicted pair never counts, even if a scorecard exists (R22). Two
    queries whatever the size.
    """
    juror_totals, tie_break, _entries = _totals(stage)
    return juror_totals, tie_break


def _totals(stage: Stage) -> tuple[dict, dict, list[int]]:
    """totals() plus the ids of every eligible entry by code, scored or not, from the same query.

    The database folds each counted scorecard into one row: how many scores it has, how many of them
    are filled in for a criterion of this stage, and the score on each criterion (sums of integers,
    so exactly what Python would add up). A scorecard counts only when it has exactly one filled-in
    score per criterion of the stage."""
    criteria = sorted(stage.criteria, key=lambda c: c.position)
    weights = {c.id: c.weight for c in criteria}
    per_criterion_columns = [
        func.sum(case((Score.criterion_id == c.id, Score.value))).label(f"c{i}") for i, c in enumerate(criteria)
    ]
    counted = (
        select(
            Scorecard.seat_id,
            Scorecard.submission_id,
            func.count(Score.id).label("scores"),
            func.count(case((Score.criterion_id.in_(list(weights)), Score.value))).label("filled"),
            *per_criterion_columns,
        )
        .join(Score, Score.scorecard_id == Scorecard.id)
        .join(JurySeat, JurySeat.id == Scorecard.seat_id)
        .join(
            EntryDeclaration,
            (EntryDeclaration.seat_id == Scorecard.seat_id)
            & (EntryDeclaration.submission_id == Scorecard.submission_id),
        )
        .where(
            JurySeat.stage_id == stage.id,
            JurySeat.replaced_at.is_(None),
            Scorecard.submitted_at.is_not(None),
            cleared(),
        )
        .group_by(Scorecard.seat_id, Scorecard.submission_id)
        # Folded once, then joined: without table statistics (a database just filled) PostgreSQL
        # may otherwise run the grouping again for every entry (2 s for 300 entries in make bench).
        .cte("counted")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    result_rows = db.session.connection().execute(
        select(Submission.id, counted.c.seat_id, counted.c.scores, counted.c.filled, *counted.c[4:])
        .outerjoin(counted, counted.c.submission_id == Submission.id)
        .where(
            Submission.stage_id == stage.id,
            Submission.status == SubmissionStatus.SUBMITTED,
            Submission.eligibility == Eligibility.ELIGIBLE,
        )
        .order_by(Submission.code, counted.c.seat_id)
    )
    evaluated: dict[int, None] = {}
    result: dict = defaultdict(dict)
    per_criterion: dict = defaultdict(lambda: defaultdict(list))  # entry -> criterion -> scores
    need = len(weights)
    ids = list(weights)
    # All rows in one fetch (iterating the result fetches them one call at a time: 900 calls).
    for entry, seat_id, scores, filled, *values in result_rows.all():
        evaluated[entry] = None
        if seat_id is None or not need or scores != need or filled != need:
            continue
        card = dict(zip(ids, values, strict=True))
        result[seat_id][entry] = statistics.weighted_total(card, weights)
        by_criterion = per_criterion[entry]
        for criterion_id, value in card.items():
            by_criterion[criterion_id].append(value)
    return dict(result), tie_values(stage, per_criterion), list(evaluated)


def tie_values(stage: Stage, per_criterion: dict) -> dict:
    """Entry -> value that breaks equal totals under the published rule (higher wins):
    "highest_first_criterion": the jury's mean score on the first criterion by position;
    "highest_minimum": the entry's lowest criterion, each criterion taken as the jury's mean score.
    "jury_vote" and "lot" are decided outside the system, so equal totals stay tied and shown."""
    if not stage.criteria:
        return {}
    means = {
        entry: {criterion: sum(values) / len(values) for criterion, values in by_criterion.items()}
        for entry, by_criterion in per_criterion.items()
    }
    if stage.tie_break_rule == "highest_first_criterion":
        first = min(stage.criteria, key=lambda c: c.position).id
        return {entry: m[first] for entry, m in means.items() if first in m}
    if stage.tie_break_rule == "highest_minimum":
        return {entry: min(m.values()) for entry, m in means.items() if m}
    return {}


def ranking(stage: Stage, method: str | None = None) -> list[statistics.Ranked]:
    """Every eligible entry, also one nobody could score (total None, ranked last): nothing drops
    out of the ranking silently."""
    return ranking_and_totals(stage, method)[0]


def ranking_and_totals(stage: Stage, method: str | None = None) -> tuple[list[statistics.Ranked], dict, dict]:
    """ranking() with the totals() it was computed from, reading the scores once (the ranking page
    shows both)."""
    juror_totals, tie_break, evaluated = _totals(stage)
    scale = (
        (min(c.scale_min for c in stage.criteria), max(c.scale_max for c in stage.criteria))
        if stage.criteria
        else (0, 10)
    )
    ranked = _ranked(
        _frozen(juror_totals), method or stage.aggregation_method, scale, tuple(evaluated), _frozen(tie_break)
    )
    return list(ranked), juror_totals, tie_break


# The statistics below are pure functions of the totals; the ranking page asks for the same ones on
# every view until a score changes, so the last results are kept under their (frozen) inputs. A
# changed score is a different key. The results are frozen dataclasses and tuples, shared read-only.


def _frozen(mapping: dict) -> tuple:
    """A dict of values or of dicts as nested tuples, in its own order (which the results depend on)."""
    return tuple((k, _frozen(v) if isinstance(v, dict) else v) for k, v in mapping.items())


def _thawed(frozen: tuple) -> dict:
    return {k: _thawed(v) if isinstance(v, tuple) else v for k, v in frozen}


@functools.lru_cache(maxsize=64)
def _ranked(totals: tuple, method: str, scale: tuple, evaluated: tuple, tie_break: tuple) -> tuple:
    aggregated = statistics.aggregate(_thawed(totals), method, scale, entries=evaluated)
    return tuple(statistics.rank(aggregated, dict(tie_break)))


def robustness_and_agreement(
    juror_totals: dict, n: int, method: str, tie_break: dict
) -> tuple[statistics.Robustness | None, float | None]:
    """statistics.robustness() and Krippendorff's alpha of the totals (None, None without scores)."""
    if not juror_totals:
        return None, None
    return _robustness_and_agreement(_frozen(juror_totals), n, method, _frozen(tie_break))


@functools.lru_cache(maxsize=64)
def _robustness_and_agreement(totals: tuple, n: int, method: str, tie_break: tuple) -> tuple:
    thawed = _thawed(totals)
    return (
        statistics.robustness(thawed, n, method, tie_break=dict(tie_break)),
        statistics.krippendorff_alpha(thawed),
    )


def _visible_ranks(ranks: list[int]) -> list[int]:
    """Ranks counted among the rows that are left: 1 + the rows left with a better rank."""
    return [1 + sum(1 for other in ranks if other < rank) for rank in ranks]


def visible_ranking(ranked: list[statistics.Ranked], hidden: set) -> list[statistics.Ranked]:
    """The ranking as a juror may read it (R22): entries hidden from them are left out, and the
    other ranks are counted among what is shown, so that neither the code nor the position of a
    hidden entry can be read off (no gap in the ranks, no code in a tie)."""
    if not hidden:
        return ranked
    shown = [r for r in ranked if r.entry not in hidden]
    return [
        replace(
            r,
            rank=rank,
            tied_with=tuple(t for t in r.tied_with if t not in hidden),
            broken_tie_with=tuple(t for t in r.broken_tie_with if t not in hidden),
        )
        for r, rank in zip(shown, _visible_ranks([r.rank for r in shown]), strict=True)
    ]


def entry_labels(stage: Stage) -> dict[int, tuple[str, str]]:
    """Entry id -> (code, organisation name) for `entries(stage)`, as plain columns: the ranking
    names 300 entries and needs neither their drafts nor ORM objects."""
    from compete.accounts.models import Organisation

    rows = db.session.execute(
        select(Submission.id, Submission.code, Organisation.name)
        .join(Organisation, Organisation.id == Submission.organisation_id)
        .where(
            Submission.stage_id == stage.id,
            Submission.status == SubmissionStatus.SUBMITTED,
            Submission.eligibility == Eligibility.ELIGIBLE,
        )
        .order_by(Submission.code)
    ).all()
    return {entry_id: (code, name) for entry_id, code, name in rows}


def tie_codes(ranked: list[statistics.Ranked], labels: dict) -> dict:
    """Entry -> (codes it is tied with, codes it has an equal total with), each joined by ", "
    (an unknown entry is named by its id), for the rows that have any."""

    def names(ids: tuple) -> str:
        return ", ".join(str(labels[t][0]) if t in labels else str(t) for t in ids)

    return {r.entry: (names(r.tied_with), names(r.broken_tie_with)) for r in ranked if r.tied_with or r.broken_tie_with}
