"""Reads for the jury; the ranking is built from a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from compete.audit.models import AuditEntry
from compete.competitions.models import Stage
from compete.core import navflags
from compete.extensions import db
from compete.jury.models import (
    Answer,
    Assignment,
    AssignmentMode,
    AssignmentPlan,
    ConsensusRemark,
    EntryDeclaration,
    JurySeat,
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
    """One of `entries(stage)` by its code, or None: one row, not the whole list (with the
    organisation and the submitted version the entry page shows, in the same statement)."""
    return db.session.scalars(
        select(Submission)
        .where(
            Submission.stage_id == stage.id,
            Submission.code == code,
            Submission.status == SubmissionStatus.SUBMITTED,
            Submission.eligibility == Eligibility.ELIGIBLE,
        )
        .options(joinedload(Submission.organisation), joinedload(Submission.current_version))
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


navflags.register("jury_seat", _seats_of)


# The ranking and its statistics, the minutes of the jury's clarification questions (R26) and the
# jurors' queues live in their own modules.
from compete.jury.queries.aggregation import (  # noqa: E402, F401 - it reads cleared() above
    _visible_ranks,
    entry_labels,
    ranking,
    ranking_and_totals,
    robustness_and_agreement,
    tie_codes,
    tie_values,
    totals,
    visible_ranking,
)
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
