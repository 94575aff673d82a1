"""The minutes of the jury's clarification questions (R26): per entry, per stage, per participant."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from compete.accounts.models import Membership
from compete.competitions.models import Stage
from compete.extensions import db
from compete.jury.models import Clarification
from compete.submissions.models import Submission


def clarifications_for(submission: Submission) -> list[Clarification]:
    """The minutes about one entry, oldest first."""
    return list(
        db.session.scalars(
            select(Clarification)
            .where(Clarification.submission_id == submission.id)
            .order_by(Clarification.asked_at, Clarification.id)
        )
    )


def clarifications_of_stage(stage: Stage) -> list[Clarification]:
    return list(
        db.session.scalars(
            select(Clarification)
            .where(Clarification.stage_id == stage.id)
            .options(selectinload(Clarification.submission), selectinload(Clarification.seat))
            .order_by(Clarification.asked_at, Clarification.id)
        )
    )


def clarifications_for_user(user) -> list[Clarification]:
    """Questions forwarded to any organisation the user is a member of (never the juror's name)."""
    return list(
        db.session.scalars(
            select(Clarification)
            .join(Submission, Submission.id == Clarification.submission_id)
            .join(Membership, Membership.organisation_id == Submission.organisation_id)
            .where(Membership.user_id == user.id, Clarification.forwarded_at.is_not(None))
            .order_by(Clarification.forwarded_at.desc(), Clarification.id)
        )
    )
