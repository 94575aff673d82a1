"""Reads for the jury; the ranking is built from a constant number of queries."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field, replace

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from compete.audit.models import AuditEntry
from compete.competitions.models import Stage
from compete.core import navflags
from compete.extensions import db
from compete.jury import statistics
from compete.jury.models import (
    Answer,
    Assignment,
    AssignmentMode,
    AssignmentPlan,
    ConsensusRemark,
    EntryDeclaration,
    JurySeat,
    Score,
    Scorecard,
)
from compete.submissions.models import Eligibility, Submission, SubmissionStatus


def entries(stage: Stage) -> list[Submission]:
    """What the jury evaluates: submitted, eligible entries, by code."""
    return list(
        db.session.scalars(
            select(Submission)
            .where(
                Submission.stage_id == stage.id,
                Submission.status == SubmissionStatus.SUBMITTED,
                Submission.eligibility == Eligibility.ELIGIBLE,
            )
            .options(joinedload(Submission.organisation))
            .order_by(Submission.code)
        )
    )


def entry_by_code(stage: Stage, code: str) -> Submission | None:
    """One of `entries(stage)` by its code, or None: one row, not the whole list."""
    return db.session.scalars(
        select(Submission)
        .where(
            Submission.stage_id == stage.id,
            Submission.code == code,
            Submission.status == SubmissionStatus.SUBMITTED,
            Submission.eligibility == Eligibility.ELIGIBLE,
        )
        .options(joinedload(Submission.organisation))
    ).first()


def active_seats(stage: Stage) -> list[JurySeat]:
    return list(
        db.session.scalars(
            select(JurySeat)
            .where(JurySeat.stage_id == stage.id, JurySeat.replaced_at.is_(None))
            .options(joinedload(JurySeat.user))
            .order_by(JurySeat.id)
        )
    )


def declaration(seat: JurySeat, submission: Submission) -> EntryDeclaration | None:
    return db.session.scalars(
        select(EntryDeclaration).where(
            EntryDeclaration.seat_id == seat.id, EntryDeclaration.submission_id == submission.id
        )
    ).first()


def scorecard(seat: JurySeat, submission: Submission) -> Scorecard | None:
    """The juror's scorecard for the entry with its scores, in one statement."""
    return (
        db.session.scalars(
            select(Scorecard)
            .where(Scorecard.seat_id == seat.id, Scorecard.submission_id == submission.id)
            .options(joinedload(Scorecard.scores))
        )
        .unique()
        .first()
    )


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
        .subquery()
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
    for entry, seat_id, scores, filled, *values in result_rows:
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


def cleared():
    """SQL condition: the declaration lets the juror take part (no conflict, or a doubt ruled
    harmless). Anything else keeps the juror's scorecard out of the aggregation (R22)."""
    return or_(
        EntryDeclaration.answer == Answer.NO_CONFLICT,
        and_(EntryDeclaration.answer == Answer.IN_DOUBT, EntryDeclaration.ruled_conflict.is_(False)),
    )


def hidden_from(seat: JurySeat | None, grid: Cells | None = None) -> set[int]:
    """Entries a juror must not see scores, totals or remarks of: those they are conflicted on or
    have not declared on yet (R22). Officers (no seat) see everything."""
    if seat is None:
        return set()
    grid = grid or cells(seat.stage)
    return {e.id for e in grid.entries if grid.status(seat.id, e.id) in ("conflict", "undeclared")}


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
    )
    return {entry_id: (code, name) for entry_id, code, name in rows}


def tie_codes(ranked: list[statistics.Ranked], labels: dict) -> dict:
    """Entry -> (codes it is tied with, codes it has an equal total with), each joined by ", "
    (an unknown entry is named by its id), for the rows that have any."""

    def names(ids: tuple) -> str:
        return ", ".join(str(labels[t][0]) if t in labels else str(t) for t in ids)

    return {r.entry: (names(r.tied_with), names(r.broken_tie_with)) for r in ranked if r.tied_with or r.broken_tie_with}


def redacted(report: dict, hidden_codes: set[str]) -> dict:
    """The report as a juror may read it (R22): rows of entries hidden from them are left out and
    the other ranks counted among what is shown (see `visible_ranking`); the hidden codes appear
    nowhere. `hidden_count` says how many were left out. Approvals hash the full report, never
    this copy."""
    if not hidden_codes:
        return {**report, "hidden_count": 0}
    shown = [row for row in report["ranking"] if row["code"] not in hidden_codes]
    rows = [
        {
            **row,
            "rank": rank,
            "tied_with": [c for c in row["tied_with"] if c not in hidden_codes],
            "broken_tie_with": [c for c in row["broken_tie_with"] if c not in hidden_codes],
        }
        for row, rank in zip(shown, _visible_ranks([row["rank"] for row in shown]), strict=True)
    ]
    return {
        **report,
        "ranking": rows,
        "hidden_count": len(report["ranking"]) - len(shown),
        "conflicts": [c for c in report["conflicts"] if c["code"] not in hidden_codes],
        "missing_scorecards": [m for m in report["missing_scorecards"] if m.rsplit(": ", 1)[-1] not in hidden_codes],
        "no_scorers": [c for c in report["no_scorers"] if c not in hidden_codes],
    }


def jury_report(stage: Stage) -> dict:
    """Ranking, totals, remarks and conflicts with their handling: what every juror approves (R27)."""
    grid = cells(stage)
    seats, evaluated = grid.seats, grid.entries
    codes = {e.id: e.code for e in evaluated}
    declarations = db.session.scalars(
        select(EntryDeclaration).where(EntryDeclaration.seat_id.in_([s.id for s in seats]))
    ).all()
    missing = sorted(
        f"{seat.user.name}: {entry.code}"
        for seat in seats
        for entry in evaluated
        if grid.status(seat.id, entry.id) in ("missing", "draft", "undeclared")
    )
    scorers = {entry.id for entry in evaluated if any((seat.id, entry.id) in grid.expected for seat in seats)}
    remarks = {
        r.submission_id: r.text
        for r in db.session.scalars(select(ConsensusRemark).where(ConsensusRemark.stage_id == stage.id))
    }
    return {
        "stage": stage.id,
        "method": stage.aggregation_method,
        "ranking": [
            {
                "code": codes.get(r.entry, str(r.entry)),
                "rank": r.rank,
                "total": None if r.total is None else round(r.total, 4),
                "tied_with": [codes.get(t, str(t)) for t in r.tied_with],
                "broken_tie_with": [codes.get(t, str(t)) for t in r.broken_tie_with],
                "remark": remarks.get(r.entry, ""),
            }
            for r in ranking(stage)
        ],
        "conflicts": sorted(
            (
                {
                    "juror": d.seat.user.name,
                    "code": codes.get(d.submission_id, ""),
                    "answer": d.answer.value,
                    "ruling": None if d.ruled_conflict is None else ("conflict" if d.ruled_conflict else "no_conflict"),
                    "reason": d.ruling_reason or d.explanation,
                }
                for d in declarations
                if d.answer != "no_conflict"
            ),
            key=lambda c: (c["code"], c["juror"]),
        ),
        "jurors": [seat.user.name for seat in seats],
        "missing_scorecards": missing,
        "no_scorers": [entry.code for entry in evaluated if entry.id not in scorers],
    }


# --- assignment and progress ---------------------------------------------------------------------


def assignment_plan(stage: Stage) -> AssignmentPlan | None:
    return db.session.scalars(select(AssignmentPlan).where(AssignmentPlan.stage_id == stage.id)).first()


def is_assigned(seat: JurySeat, submission: Submission) -> bool:
    """Under "N per entry" only the assigned jurors score an entry; otherwise every juror does."""
    plan = assignment_plan(seat.stage)
    if plan is None or plan.mode == AssignmentMode.ALL:
        return True
    return (
        db.session.scalar(
            select(Assignment.id).where(Assignment.seat_id == seat.id, Assignment.submission_id == submission.id)
        )
        is not None
    )


@dataclass
class Cells:
    """Who is expected to score what, in a constant number of queries: `expected` holds
    (seat id, entry id) pairs that follow the assignment and leave out conflicts (R22);
    `conflicted` the pairs kept apart; `cards` maps a pair to its scorecard's submitted time
    (None for a draft)."""

    plan: AssignmentPlan | None
    seats: list
    entries: list
    expected: set
    conflicted: set
    cards: dict
    undeclared: set = field(default_factory=set)

    def status(self, seat_id: int, entry_id: int) -> str:
        """ "conflict", "undeclared", "not_assigned", "submitted", "draft" or "missing"."""
        pair = (seat_id, entry_id)
        if pair in self.conflicted:
            return "conflict"
        if pair in self.undeclared:
            return "undeclared"
        if pair not in self.expected:
            return "not_assigned"
        if pair in self.cards:
            return "submitted" if self.cards[pair] is not None else "draft"
        return "missing"


def cells(stage: Stage) -> Cells:
    seats = active_seats(stage)
    evaluated = entries(stage)
    seat_ids = [s.id for s in seats]
    plan = assignment_plan(stage)
    declarations = db.session.execute(select(EntryDeclaration).where(EntryDeclaration.seat_id.in_(seat_ids))).scalars()
    declared, conflicted = set(), set()
    for d in declarations:
        declared.add((d.seat_id, d.submission_id))
        if d.conflicted is not False:
            conflicted.add((d.seat_id, d.submission_id))
    # An entry that became eligible after the juror declared waits for their answer on it (R22).
    undeclared = {(s.id, e.id) for s in seats for e in evaluated} - declared
    if plan is not None and plan.mode == AssignmentMode.PER_ENTRY:
        assigned = set(
            db.session.execute(
                select(Assignment.seat_id, Assignment.submission_id).where(Assignment.seat_id.in_(seat_ids))
            )
        )
    else:
        assigned = {(s.id, e.id) for s in seats for e in evaluated}
    cards = {
        (seat_id, submission_id): submitted_at
        for seat_id, submission_id, submitted_at in db.session.execute(
            select(Scorecard.seat_id, Scorecard.submission_id, Scorecard.submitted_at).where(
                Scorecard.seat_id.in_(seat_ids)
            )
        )
    }
    return Cells(plan, seats, evaluated, assigned - conflicted - undeclared, conflicted, cards, undeclared)


def progress(stage: Stage) -> dict:
    """Submitted, draft and missing scorecards per juror and per entry, following the assignment;
    entries with fewer jurors than planned are listed in "short"."""
    grid = cells(stage)
    count = ("submitted", "draft", "missing", "conflict", "undeclared")
    jurors = []
    for seat in grid.seats:
        row = dict.fromkeys(count, 0)
        for entry in grid.entries:
            status = grid.status(seat.id, entry.id)
            if status in row:
                row[status] += 1
        jurors.append({"seat": seat, "assigned": row["submitted"] + row["draft"] + row["missing"], **row})
    per_entry = []
    wanted = grid.plan.jurors_per_entry if grid.plan and grid.plan.mode == AssignmentMode.PER_ENTRY else None
    short = []
    for entry in grid.entries:
        row = dict.fromkeys(count, 0)
        for seat in grid.seats:
            status = grid.status(seat.id, entry.id)
            if status in row:
                row[status] += 1
        scorers = row["submitted"] + row["draft"] + row["missing"] + row["undeclared"]  # may still score
        per_entry.append({"entry": entry, "jurors": scorers, **row})
        if (wanted is not None and scorers < wanted) or (grid.seats and scorers == 0):
            short.append({"code": entry.code, "jurors": scorers, "wanted": wanted})
    return {"plan": grid.plan, "jurors": jurors, "entries": per_entry, "short": short}


def stage_events(stage: Stage) -> dict:
    """When the ranking locked and the stage was de-anonymised: action -> time, from the audit trail."""
    return dict(
        db.session.execute(
            select(AuditEntry.action, AuditEntry.at).where(
                AuditEntry.target_type == "Stage",
                AuditEntry.target_id == str(stage.id),
                AuditEntry.action.in_(("stage.ranking_locked", "stage.deanonymised")),
            )
        ).all()
    )


def _seats_of(user_id: int):
    return select(JurySeat.id).where(JurySeat.user_id == user_id, JurySeat.replaced_at.is_(None))


def has_seat(user) -> bool:
    return db.session.scalar(_seats_of(user.id).limit(1)) is not None


navflags.register("jury_seat", _seats_of)


# The minutes of the jury's clarification questions (R26) live in their own module.
from compete.jury.queries.clarifications import (  # noqa: E402, F401
    clarifications_for,
    clarifications_for_user,
    clarifications_of_stage,
)
from compete.jury.queries.seats import (  # noqa: E402, F401 - they read cleared() above
    LOCKED_STATES,
    QueueEntry,
    QueueItem,
    next_in_queue,
    seat_queue,
    submission_panel,
)
