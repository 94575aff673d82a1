"""Scheduled jobs of the notifications domain, run by `flask worker`."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, select

from compete.competitions.models import Stage
from compete.core.jobs import register_job
from compete.core.time import now
from compete.extensions import db
from compete.notifications.models import DeadlineReminder
from compete.notifications.services import queue_email_to_members
from compete.submissions.models import Submission, SubmissionStatus


def send_deadline_reminders() -> int:
    """Remind the members of each organisation whose draft is still unsubmitted when its stage's
    deadline is less than REMINDER_HOURS_BEFORE_DEADLINE away: once per draft per deadline.
    Returns the number of drafts reminded."""
    moment = now()
    horizon = moment + timedelta(hours=current_app.config["REMINDER_HOURS_BEFORE_DEADLINE"])
    drafts = db.session.scalars(
        select(Submission)
        .join(Stage, Stage.id == Submission.stage_id)
        .outerjoin(
            DeadlineReminder,
            and_(DeadlineReminder.submission_id == Submission.id, DeadlineReminder.deadline_at == Stage.deadline_at),
        )
        .where(
            Submission.status == SubmissionStatus.DRAFT,
            Stage.deadline_at > moment,
            Stage.deadline_at <= horizon,
            DeadlineReminder.id.is_(None),
        )
        .order_by(Submission.id)
    ).all()
    for submission in drafts:
        stage = submission.stage
        db.session.add(DeadlineReminder(submission_id=submission.id, deadline_at=stage.deadline_at, sent_at=moment))
        queue_email_to_members(
            submission.organisation,
            "notifications/deadline_reminder",
            competition=stage.competition,
            submission=submission,
            stage=stage,
        )
    db.session.flush()
    return len(drafts)


register_job("deadline_reminders", 300, send_deadline_reminders)
