"""Officers and the functionary: deadline extensions and the formal check (R15, R34)."""

from __future__ import annotations

from datetime import datetime

from compete.audit.services import Actor, record
from compete.competitions.models import Stage
from compete.competitions.states import StageState
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.notifications.services import queue_email_to_members
from compete.submissions.models import (
    Eligibility,
    Submission,
    SubmissionStatus,
)

# --- officers and the functionary ------------------------------------------------------------------


def extend_deadline(stage: Stage, actor: Actor, new_deadline: datetime, reason: str) -> None:
    """Move a stage's deadline later for everyone, with a logged reason (R15)."""
    if not (reason or "").strip():
        raise DomainError(_l("An extension needs a reason."), code="reason")
    if stage.state != StageState.PLANNED:
        raise DomainError(_l("The formal check has started; the deadline can no longer move."), code="state")
    if stage.deadline_at is None or new_deadline <= stage.deadline_at:
        raise DomainError(_l("The new deadline must be later than the current one."), code="earlier")
    if new_deadline <= now():
        raise DomainError(_l("The new deadline must be in the future."), code="past")
    before = stage.deadline_at
    stage.deadline_at = new_deadline
    db.session.flush()
    record(
        actor,
        "stage.deadline_extended",
        stage,
        competition=stage.competition,
        before={"deadline_at": before},
        after={"deadline_at": new_deadline, "reason": reason.strip()},
    )


def start_formal_check(stage: Stage, actor: Actor) -> None:
    from compete.competitions.services import transition_stage

    transition_stage(stage, StageState.FORMAL_CHECK, actor)


def decide_eligibility(submission: Submission, actor: Actor, *, eligible: bool, ground: str = "") -> None:
    """Formal check (R34): eligible, or rejected with a ground that is sent to the participant."""
    if submission.stage.state != StageState.FORMAL_CHECK:
        raise DomainError(_l("The formal check is not running for this stage."), code="state")
    if submission.status != SubmissionStatus.SUBMITTED:
        raise DomainError(_l("Only submitted entries are checked."), code="not_submitted")
    before = submission.eligibility
    if eligible:
        submission.eligibility = Eligibility.ELIGIBLE
        submission.rejection_ground = None
    else:
        if not (ground or "").strip():
            raise DomainError(_l("A rejection needs a ground."), code="ground")
        submission.eligibility = Eligibility.REJECTED
        submission.rejection_ground = ground.strip()
    submission.checked_by_id = getattr(actor.user, "id", None)
    submission.checked_at = now()
    db.session.flush()
    record(
        actor,
        "submission.formal_check",
        submission,
        competition=submission.stage.competition,
        before={"eligibility": before},
        after={"eligibility": submission.eligibility, "ground": submission.rejection_ground},
    )
    if not eligible:
        queue_email_to_members(
            submission.organisation,
            "submissions/rejected",
            competition=submission.stage.competition,
            submission=submission,
            ground=ground.strip(),
        )
