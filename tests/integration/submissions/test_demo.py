from sqlalchemy import func, select

from compete.competitions.models import Competition
from compete.extensions import db
from compete.submissions.models import Attachment, LateAttempt, Submission, SubmissionStatus


def test_demo_fills_the_open_and_the_closed_competition(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0  # idempotent

    open_stage = (
        db.session.scalars(select(Competition).where(Competition.slug == "unge-pa-vei-til-jobb")).one().stages[0]
    )
    statuses = dict(
        db.session.execute(
            select(Submission.status, func.count())
            .where(Submission.stage_id == open_stage.id)
            .group_by(Submission.status)
        ).all()
    )
    assert statuses == {SubmissionStatus.SUBMITTED: 12, SubmissionStatus.DRAFT: 2}
    frozen_pdfs = db.session.scalar(
        select(func.count())
        .select_from(Attachment)
        .join(Submission, Submission.id == Attachment.submission_id)
        .where(Submission.stage_id == open_stage.id, Attachment.version_id.is_not(None))
    )
    assert frozen_pdfs == 12
    closed_stage = (
        db.session.scalars(select(Competition).where(Competition.slug == "unge-i-arbeid-innlandet")).one().stages[0]
    )
    assert (
        db.session.scalar(select(func.count()).select_from(Submission).where(Submission.stage_id == closed_stage.id))
        == 6
    )
    assert [
        a.action for a in db.session.scalars(select(LateAttempt).where(LateAttempt.stage_id == closed_stage.id))
    ] == ["submit"]
