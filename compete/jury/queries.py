"""Reads for the jury; the ranking is built from a constant number of queries."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from compete.competitions.models import Stage
from compete.extensions import db
from compete.jury import statistics
from compete.jury.models import ConsensusRemark, EntryDeclaration, JurySeat, Score, Scorecard
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
            .order_by(Submission.code)
        )
    )


def active_seats(stage: Stage) -> list[JurySeat]:
    return list(
        db.session.scalars(
            select(JurySeat).where(JurySeat.stage_id == stage.id, JurySeat.replaced_at.is_(None)).order_by(JurySeat.id)
        )
    )


def declaration(seat: JurySeat, submission: Submission) -> EntryDeclaration | None:
    return db.session.scalars(
        select(EntryDeclaration).where(
            EntryDeclaration.seat_id == seat.id, EntryDeclaration.submission_id == submission.id
        )
    ).first()


def scorecard(seat: JurySeat, submission: Submission) -> Scorecard | None:
    return db.session.scalars(
        select(Scorecard).where(Scorecard.seat_id == seat.id, Scorecard.submission_id == submission.id)
    ).first()


def totals(stage: Stage) -> tuple[dict, dict]:
    """(juror seat id -> entry id -> weighted total, entry id -> total on the heaviest criterion).

    Only submitted scorecards of active seats count; a conflicted juror has no scorecard for the
    entry, so the cell is missing (R22). Two queries whatever the size.
    """
    weights = {c.id: c.weight for c in stage.criteria}
    heaviest = max(stage.criteria, key=lambda c: (c.weight, -c.position)).id if stage.criteria else None
    rows = db.session.execute(
        select(Scorecard.seat_id, Scorecard.submission_id, Score.criterion_id, Score.value)
        .join(Score, Score.scorecard_id == Scorecard.id)
        .join(JurySeat, JurySeat.id == Scorecard.seat_id)
        .where(JurySeat.stage_id == stage.id, JurySeat.replaced_at.is_(None), Scorecard.submitted_at.is_not(None))
    ).all()
    per_card: dict = defaultdict(dict)
    for seat_id, submission_id, criterion_id, value in rows:
        per_card[(seat_id, submission_id)][criterion_id] = value
    result: dict = defaultdict(dict)
    tie: dict = defaultdict(list)
    for (seat_id, submission_id), scores in per_card.items():
        if set(scores) == set(weights) and all(v is not None for v in scores.values()):
            result[seat_id][submission_id] = statistics.weighted_total(scores, weights)
            if heaviest is not None:
                tie[submission_id].append(scores[heaviest])
    tie_break = {entry: sum(values) / len(values) for entry, values in tie.items()}
    return dict(result), tie_break


def ranking(stage: Stage, method: str | None = None) -> list[statistics.Ranked]:
    juror_totals, tie_break = totals(stage)
    scale = (
        (min(c.scale_min for c in stage.criteria), max(c.scale_max for c in stage.criteria))
        if stage.criteria
        else (0, 10)
    )
    use_rule = stage.tie_break_rule == "highest_first_criterion"
    aggregated = statistics.aggregate(juror_totals, method or stage.aggregation_method, scale)
    return statistics.rank(aggregated, tie_break if use_rule else None)


def jury_report(stage: Stage) -> dict:
    """Ranking, totals, remarks and conflicts with their handling: what every juror approves (R27)."""
    seats = active_seats(stage)
    evaluated = entries(stage)
    codes = {e.id: e.code for e in evaluated}
    declarations = db.session.scalars(
        select(EntryDeclaration).where(EntryDeclaration.seat_id.in_([s.id for s in seats]))
    ).all()
    conflicted = {(d.seat_id, d.submission_id) for d in declarations if d.conflicted is not False}
    submitted = {
        (seat_id, submission_id)
        for seat_id, submission_id in db.session.execute(
            select(Scorecard.seat_id, Scorecard.submission_id).where(
                Scorecard.seat_id.in_([s.id for s in seats]), Scorecard.submitted_at.is_not(None)
            )
        )
    }
    missing = sorted(
        f"{seat.user.name}: {entry.code}"
        for seat in seats
        for entry in evaluated
        if (seat.id, entry.id) not in conflicted and (seat.id, entry.id) not in submitted
    )
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
                    "ruling": None if d.ruled_conflict is None else ("conflict" if d.ruled_conflict else "no conflict"),
                    "reason": d.ruling_reason or d.explanation,
                }
                for d in declarations
                if d.answer != "no_conflict"
            ),
            key=lambda c: (c["code"], c["juror"]),
        ),
        "jurors": [seat.user.name for seat in seats],
        "missing_scorecards": missing,
    }
