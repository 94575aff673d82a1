"""Reads for one juror's own work and for one submission's jury side: the juror's queue in their
fixed order, the next entry to score, and the panel officers see on a submission's page."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from compete.extensions import db
from compete.jury.models import (
    Assignment,
    AssignmentMode,
    AssignmentPlan,
    ConsensusRemark,
    EntryDeclaration,
    JurySeat,
    ReportApproval,
    Scorecard,
)
from compete.jury.queries import cleared
from compete.jury.queries.clarifications import clarifications_for
from compete.submissions.models import Eligibility, Submission, SubmissionStatus


class QueueEntry(NamedTuple):
    """What a queue needs of an entry: its id and its code (never its content)."""

    id: int
    code: str


@dataclass
class QueueItem:
    """One entry in a juror's own queue, with the state of their scorecard for it."""

    entry: QueueEntry
    card_state: str  # "submitted", "draft" or "not_started"


def seat_queue(seat: JurySeat) -> list[QueueItem]:
    """The entries this juror scores, in their own fixed shuffled order (so that jurors do not all
    read the entries in the same order), with their scorecards' state. Follows the assignment and
    leaves out conflicted and undeclared entries (R22). One query of ids and codes whatever the size."""
    per_entry_plan = (
        select(AssignmentPlan.id)
        .where(AssignmentPlan.stage_id == seat.stage_id, AssignmentPlan.mode == AssignmentMode.PER_ENTRY)
        .exists()
    )
    assigned = select(Assignment.submission_id).where(Assignment.seat_id == seat.id)
    rows = db.session.execute(
        select(Submission.id, Submission.code, Scorecard.id, Scorecard.submitted_at)
        .join(
            EntryDeclaration,
            (EntryDeclaration.submission_id == Submission.id) & (EntryDeclaration.seat_id == seat.id),
        )
        .outerjoin(Scorecard, (Scorecard.submission_id == Submission.id) & (Scorecard.seat_id == seat.id))
        .where(
            Submission.stage_id == seat.stage_id,
            Submission.status == SubmissionStatus.SUBMITTED,
            Submission.eligibility == Eligibility.ELIGIBLE,
            cleared(),
            or_(~per_entry_plan, Submission.id.in_(assigned)),
        )
        .order_by(Submission.code)
    ).all()
    mine = [
        (QueueEntry(entry_id, code), "not_started" if card_id is None else ("submitted" if submitted else "draft"))
        for entry_id, code, card_id, submitted in rows
    ]
    random.Random(f"{seat.id}:{seat.stage_id}").shuffle(mine)
    return [QueueItem(entry, state) for entry, state in mine]


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
