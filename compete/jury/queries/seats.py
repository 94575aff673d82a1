"""Reads for one juror's own work and for one submission's jury side: the juror's queue in their
fixed order, the next entry to score, and the panel officers see on a submission's page."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from compete.extensions import db
from compete.jury.models import (
    Assignment,
    AssignmentMode,
    ConsensusRemark,
    EntryDeclaration,
    JurySeat,
    ReportApproval,
    Scorecard,
)
from compete.jury.queries import assignment_plan, entries
from compete.jury.queries.clarifications import clarifications_for
from compete.submissions.models import Submission


@dataclass
class QueueItem:
    """One entry in a juror's own queue, with the state of their scorecard for it."""

    entry: Submission
    card_state: str  # "submitted", "draft" or "not_started"


def seat_queue(seat: JurySeat) -> list[QueueItem]:
    """The entries this juror scores, in their own fixed shuffled order (so that jurors do not all
    read the entries in the same order), with their scorecards' state. Follows the assignment and
    leaves out conflicted and undeclared entries (R22). Four queries whatever the size."""
    evaluated = entries(seat.stage)
    cleared = {
        d.submission_id
        for d in db.session.scalars(select(EntryDeclaration).where(EntryDeclaration.seat_id == seat.id))
        if d.conflicted is False
    }
    plan = assignment_plan(seat.stage)
    if plan is not None and plan.mode == AssignmentMode.PER_ENTRY:
        cleared &= set(db.session.scalars(select(Assignment.submission_id).where(Assignment.seat_id == seat.id)))
    cards = dict(
        db.session.execute(
            select(Scorecard.submission_id, Scorecard.submitted_at).where(Scorecard.seat_id == seat.id)
        ).all()
    )
    mine = [e for e in evaluated if e.id in cleared]
    random.Random(f"{seat.id}:{seat.stage_id}").shuffle(mine)
    return [
        QueueItem(e, "not_started" if e.id not in cards else ("submitted" if cards[e.id] else "draft")) for e in mine
    ]


def next_in_queue(queue: list[QueueItem], submission_id: int) -> QueueItem | None:
    """The first entry after this one (wrapping round) whose scorecard is not yet submitted."""
    ids = [item.entry.id for item in queue]
    start = ids.index(submission_id) + 1 if submission_id in ids else 0
    for item in queue[start:] + queue[:start]:
        if item.entry.id != submission_id and item.card_state != "submitted":
            return item
    return None


LOCKED_STATES = ("ranking_locked", "deanonymised", "decided")


def submission_panel(submission: Submission) -> dict:
    """Clarifications about one entry and, after the lock, its submitted scorecards (with their
    scores and jurors) and the jury's agreed remark: four queries whatever the size."""
    stage = submission.stage
    locked = str(stage.state) in LOCKED_STATES
    cards = []
    remark = None
    if locked:
        cards = list(
            db.session.scalars(
                select(Scorecard)
                .where(Scorecard.submission_id == submission.id, Scorecard.submitted_at.is_not(None))
                .options(selectinload(Scorecard.scores), joinedload(Scorecard.seat).joinedload(JurySeat.user))
                .order_by(Scorecard.seat_id)
            ).unique()
        )
        remark = db.session.scalar(select(ConsensusRemark.text).where(ConsensusRemark.submission_id == submission.id))
    return {
        "clarifications": clarifications_for(submission),
        "locked": locked,
        "cards": cards,
        "remark": remark,
        "criteria": {c.id: c.name for c in stage.criteria},
    }


def report_approvals(stage_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Stage id -> (jurors who approved the report, active jurors), for many stages in one query."""
    if not stage_ids:
        return {}
    rows = db.session.execute(
        select(JurySeat.stage_id, func.count(JurySeat.id), func.count(ReportApproval.id))
        .outerjoin(ReportApproval, ReportApproval.seat_id == JurySeat.id)
        .where(JurySeat.stage_id.in_(stage_ids), JurySeat.replaced_at.is_(None))
        .group_by(JurySeat.stage_id)
    )
    return {stage_id: (approved, seats) for stage_id, seats, approved in rows}
