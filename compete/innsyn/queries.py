"""Reads for innsyn: the register, one request, the entries an officer may put in a package."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from compete.competitions.models import CallVersion, Competition, Question, Stage
from compete.core.time import now
from compete.extensions import db
from compete.innsyn.models import InnsynRequest
from compete.innsyn.workdays import working_days_between
from compete.submissions.models import Submission, SubmissionStatus, SubmissionVersion


def requests_of(competition: Competition) -> list[InnsynRequest]:
    return list(
        db.session.scalars(
            select(InnsynRequest)
            .where(InnsynRequest.competition_id == competition.id)
            .order_by(InnsynRequest.received_at.desc(), InnsynRequest.id.desc())
        )
    )


def request_of(competition: Competition, request_id: int) -> InnsynRequest | None:
    return db.session.scalars(
        select(InnsynRequest).where(InnsynRequest.competition_id == competition.id, InnsynRequest.id == request_id)
    ).first()


def request_by_id(request_id: int) -> InnsynRequest | None:
    return db.session.get(InnsynRequest, request_id)


def recent_public_requests(client_hash: str, since: datetime) -> int:
    return db.session.scalar(
        select(func.count(InnsynRequest.id)).where(
            InnsynRequest.client_hash == client_hash, InnsynRequest.received_at > since
        )
    )


def candidates(competition: Competition) -> list[Submission]:
    """Submitted entries of every stage, with their evaluated version and its files, by stage then code."""
    return list(
        db.session.scalars(
            select(Submission)
            .join(Stage, Submission.stage_id == Stage.id)
            .where(Stage.competition_id == competition.id, Submission.status == SubmissionStatus.SUBMITTED)
            .options(
                selectinload(Submission.organisation),
                selectinload(Submission.stage).selectinload(Stage.fields),
                selectinload(Submission.current_version).selectinload(SubmissionVersion.attachments),
            )
            .order_by(Stage.position, Submission.code)
        )
    )


def latest_call(competition: Competition) -> CallVersion | None:
    return db.session.scalars(
        select(CallVersion).where(CallVersion.competition_id == competition.id).order_by(CallVersion.number.desc())
    ).first()


def published_questions(competition: Competition) -> list[Question]:
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.competition_id == competition.id, Question.published_at.is_not(None))
            .order_by(Question.published_at, Question.id)
        )
    )


@dataclass(frozen=True)
class RegisterRow:
    request: InnsynRequest
    working_days: int  # from receipt to release, or to now while open
    overdue: bool


def register(competition: Competition) -> list[RegisterRow]:
    """The innsyn register with response times in working days (one query)."""
    moment = now()
    rows = []
    for r in requests_of(competition):
        end = r.released_at or moment
        rows.append(RegisterRow(r, working_days_between(r.received_at, end), end > r.deadline_at))
    return rows
