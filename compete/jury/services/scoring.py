"""Scoring (R25, R28), consensus remarks, approval of the report that locks the ranking (R27) and
de-anonymisation (R30). Services flush only."""

import hashlib
import json

from sqlalchemy import select

from compete.audit.services import Actor, record
from compete.competitions.models import Stage
from compete.competitions.services import transition_stage
from compete.competitions.states import StageState
from compete.core.db import lock_row
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.jury import queries
from compete.jury.models import (
    ConsensusRemark,
    JurySeat,
    ReportApproval,
    Score,
    Scorecard,
    SeatRole,
)
from compete.jury.services.impartiality import can_see
from compete.jury.services.seats import _juror
from compete.submissions.models import Eligibility, Submission, SubmissionStatus


def save_scorecard(
    seat: JurySeat, submission: Submission, values: dict[int, tuple[int | None, str]], *, submit: bool = False
) -> Scorecard:
    """Save a juror's scores as a draft or submit them (R25): only the stage's criteria, on its scale,
    each with a written justification. Only the juror scores; officers cannot (R28)."""
    # Two saves of the same juror (double click, retry, two tabs) queue on the seat's row.
    lock_row(seat)
    stage = seat.stage
    if stage.state != StageState.JURY_SCORING:
        raise DomainError(_l("Scoring is not open for this stage."), code="state")
    if not can_see(seat, submission):
        raise DomainError(_l("You cannot score this entry."), code="forbidden")
    if not queries.is_assigned(seat, submission):
        raise DomainError(_l("This entry is not assigned to you."), code="not_assigned")
    card = queries.scorecard(seat, submission)
    if card is not None:
        lock_row(card)
    if card is not None and card.submitted_at is not None:
        raise DomainError(_l("This scorecard has been submitted and can no longer change."), code="submitted")
    criteria = {c.id: c for c in stage.criteria}
    unknown = set(values) - set(criteria)
    if unknown:
        raise DomainError(_l("Only the published criteria can be scored."), code="criteria")
    problems = []
    for criterion in criteria.values():
        value, justification = values.get(criterion.id, (None, ""))
        if value is not None and not criterion.scale_min <= value <= criterion.scale_max:
            problems.append(
                str(
                    _l(
                        "%(name)s: the score must be from %(min)s to %(max)s.",
                        name=criterion.name,
                        min=criterion.scale_min,
                        max=criterion.scale_max,
                    )
                )
            )
        if submit and value is None:
            problems.append(str(_l("%(name)s: give a score.", name=criterion.name)))
        if submit and not (justification or "").strip():
            problems.append(str(_l("%(name)s: write a justification.", name=criterion.name)))
    if problems:
        raise DomainError(_l("The scorecard is not complete."), code="incomplete", details=problems)
    if card is None:
        card = Scorecard(seat=seat, submission_id=submission.id, updated_at=now())
        db.session.add(card)
    by_criterion = {s.criterion_id: s for s in card.scores}
    for criterion_id in criteria:
        value, justification = values.get(criterion_id, (None, ""))
        score = by_criterion.get(criterion_id)
        if score is None:
            card.scores.append(
                Score(criterion_id=criterion_id, value=value, justification=(justification or "").strip())
            )
        else:
            score.value, score.justification = value, (justification or "").strip()
    card.updated_at = now()
    if submit:
        card.submitted_at = now()
    db.session.flush()
    if submit:
        record(
            _juror(seat),
            "jury.scorecard_submitted",
            card,
            competition=stage.competition,
            after={"entry": submission.code, "scores": {str(cid): [v, j] for cid, (v, j) in sorted(values.items())}},
        )
    return card


# --- consensus, report, lock -----------------------------------------------------------------------


def record_remark(seat: JurySeat, submission: Submission, text: str) -> ConsensusRemark:
    if seat.role != SeatRole.CHAIR or not seat.active:
        raise DomainError(_l("Only the chair records the jury's agreed remarks."), code="chair")
    if not can_see(seat, submission):
        raise DomainError(_l("You cannot take part in the discussion of this entry."), code="forbidden")
    if seat.stage.state != StageState.JURY_SCORING:
        raise DomainError(_l("The ranking is locked."), code="locked")
    remark = db.session.scalars(
        select(ConsensusRemark).where(
            ConsensusRemark.stage_id == seat.stage_id, ConsensusRemark.submission_id == submission.id
        )
    ).first()
    if remark is None:
        remark = ConsensusRemark(
            stage_id=seat.stage_id, submission_id=submission.id, text="", recorded_by_id=seat.user_id
        )
        db.session.add(remark)
    before = remark.text
    remark.text = (text or "").strip()
    db.session.flush()
    record(
        _juror(seat),
        "jury.remark",
        remark,
        competition=seat.stage.competition,
        before={"text": before},
        after={"entry": submission.code, "text": remark.text},
    )
    return remark


def report_hash(report: dict) -> str:
    return hashlib.sha256(json.dumps(report, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def approve_report(seat: JurySeat) -> bool:
    """A juror approves the report as it stands now; when every active juror has approved the same
    report, the ranking locks (R27). Returns True when this approval locked it."""
    stage = seat.stage
    if stage.state != StageState.JURY_SCORING:
        raise DomainError(_l("The ranking is already locked."), code="locked")
    if not seat.active:
        raise DomainError(_l("This seat has been replaced."), code="replaced")
    report = queries.jury_report(stage)
    if report["missing_scorecards"]:
        raise DomainError(
            _l("Every juror must submit every scorecard before the report can be approved."), code="incomplete"
        )
    if report["no_scorers"]:
        raise DomainError(
            _l(
                "No juror can score %(codes)s. Ask the officer to appoint a juror without a conflict, "
                "or to replace one (R29), before the report is approved.",
                codes=", ".join(report["no_scorers"]),
            ),
            code="no_scorers",
        )
    digest = report_hash(report)
    approval = db.session.scalars(select(ReportApproval).where(ReportApproval.seat_id == seat.id)).first()
    if approval is None:
        db.session.add(ReportApproval(seat_id=seat.id, report_sha256=digest))
    else:
        approval.report_sha256 = digest
        approval.created_at = now()  # the approval of the report as it stands now
    db.session.flush()
    record(_juror(seat), "jury.report_approved", seat, competition=stage.competition, after={"report_sha256": digest})
    seats = queries.active_seats(stage)
    approvals = {
        a.seat_id: a.report_sha256
        for a in db.session.scalars(select(ReportApproval).where(ReportApproval.seat_id.in_([s.id for s in seats])))
    }
    if len(approvals) == len(seats) and set(approvals.values()) == {digest}:
        transition_stage(stage, StageState.RANKING_LOCKED, Actor.system(), reason=f"report {digest}")
        return True
    return False


def open_scoring(stage: Stage, actor: Actor) -> None:
    """Open jury scoring, only once every submitted entry's formal check is done: an entry that
    became eligible later would have no declarations and no jurors."""
    pending = db.session.scalars(
        select(Submission.code).where(
            Submission.stage_id == stage.id,
            Submission.status == SubmissionStatus.SUBMITTED,
            Submission.eligibility == Eligibility.PENDING,
        )
    ).all()
    if pending:
        raise DomainError(
            _l(
                "Finish the formal check before scoring opens. Still pending: %(codes)s",
                codes=", ".join(sorted(c or "–" for c in pending)),
            ),
            code="formal_check",
        )
    transition_stage(stage, StageState.JURY_SCORING, actor)


def deanonymise(stage: Stage, actor: Actor) -> None:
    """Reveal who is behind each code, once, after the ranking locked (R30)."""
    transition_stage(stage, StageState.DEANONYMISED, actor)
