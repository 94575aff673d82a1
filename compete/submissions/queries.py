"""Reads for submissions, each loading what its page shows in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import defer, joinedload, selectinload

from compete.accounts.models import Membership, Organisation, User
from compete.competitions.models import Competition, Stage
from compete.extensions import db
from compete.submissions.models import (
    Attachment,
    Eligibility,
    LateAttempt,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
)


def submission_by_id(submission_id: int) -> Submission | None:
    return db.session.scalars(
        select(Submission)
        .where(Submission.id == submission_id)
        .options(
            # The stage, its competition and the organisation in the same statement; the template's
            # fields and slots in one each.
            joinedload(Submission.stage).joinedload(Stage.competition),
            joinedload(Submission.organisation),
            joinedload(Submission.stage).selectinload(Stage.fields),
            joinedload(Submission.stage).selectinload(Stage.file_slots),
        )
    ).first()


def submission_for_receipt(submission_id: int) -> Submission | None:
    """A submission with what its receipt and the permission check read (stage, competition and its
    owners, organisation) in one query; not its draft nor the stage's template."""
    return (
        db.session.scalars(
            select(Submission)
            .where(Submission.id == submission_id)
            .options(
                joinedload(Submission.stage).joinedload(Stage.competition).joinedload(Competition.owners),
                joinedload(Submission.organisation),
                defer(Submission.draft_content),
                defer(Submission.draft_secret_fields),
            )
        )
        .unique()
        .first()
    )


def submission_for(stage: Stage, organisation: Organisation) -> Submission | None:
    return db.session.scalars(
        select(Submission).where(Submission.stage_id == stage.id, Submission.organisation_id == organisation.id)
    ).first()


def submissions_of_user(user: User) -> list[Submission]:
    """Every submission of every organisation the user belongs to, for the dashboard."""
    org_ids = select(Membership.organisation_id).where(Membership.user_id == user.id)
    return list(
        db.session.scalars(
            select(Submission)
            .where(Submission.organisation_id.in_(org_ids))
            .options(
                selectinload(Submission.stage).selectinload(Stage.competition),
                selectinload(Submission.organisation),
                selectinload(Submission.versions),
            )
            .order_by(Submission.created_at.desc(), Submission.id.desc())
        )
    )


def submission_by_code(stage: Stage, code: str) -> Submission | None:
    """A submission of the stage by its code (what officers and the jury call it)."""
    return db.session.scalars(
        select(Submission)
        .where(Submission.stage_id == stage.id, Submission.code == code)
        .options(selectinload(Submission.versions), selectinload(Submission.organisation))
    ).first()


def version(submission: Submission, number: int, *, receipt_only: bool = False) -> SubmissionVersion | None:
    """A version with its attachments, in one statement; `receipt_only` leaves its content for a
    later read (a receipt shows hashes, not the content)."""
    options = [joinedload(SubmissionVersion.attachments)]
    if receipt_only:
        options += [defer(SubmissionVersion.content), defer(SubmissionVersion.secret_fields)]
    return (
        db.session.scalars(
            select(SubmissionVersion)
            .where(SubmissionVersion.submission_id == submission.id, SubmissionVersion.number == number)
            .options(*options)
        )
        .unique()
        .first()
    )


def attachment(submission: Submission, attachment_id: int) -> Attachment | None:
    return db.session.scalars(
        select(Attachment).where(Attachment.id == attachment_id, Attachment.submission_id == submission.id)
    ).first()


def submitted_count(stage: Stage) -> int:
    return db.session.scalar(
        select(func.count(Submission.id)).where(
            Submission.stage_id == stage.id, Submission.status == SubmissionStatus.SUBMITTED
        )
    )


def submitted_counts(stage_ids: list[int]) -> dict[int, dict[str, int]]:
    """Stage id -> {"submitted": entries submitted, "pending": of those, awaiting the formal check},
    for many stages in one query (the officer's cockpit)."""
    counts: dict[int, dict[str, int]] = {sid: {"submitted": 0, "pending": 0} for sid in stage_ids}
    if not stage_ids:
        return counts
    rows = db.session.execute(
        select(Submission.stage_id, Submission.eligibility, func.count(Submission.id))
        .where(Submission.stage_id.in_(stage_ids), Submission.status == SubmissionStatus.SUBMITTED)
        .group_by(Submission.stage_id, Submission.eligibility)
    )
    for stage_id, eligibility, count in rows:
        counts[stage_id]["submitted"] += count
        if eligibility == Eligibility.PENDING:
            counts[stage_id]["pending"] += count
    return counts


def stage_submissions(stage: Stage) -> list[Submission]:
    return list(
        db.session.scalars(
            select(Submission)
            .where(Submission.stage_id == stage.id)
            .options(selectinload(Submission.organisation), selectinload(Submission.current_version))
            .order_by(Submission.code)
        )
    )


@dataclass(frozen=True)
class LogRow:
    at: datetime
    event: str  # submitted, withdrawn, late
    code: str | None
    organisation: str
    orgnr: str | None
    person: str
    detail: str
    hashes: tuple[str, ...]


def receipt_log(stage: Stage) -> list[LogRow]:
    """Every submitted version, withdrawal and late attempt of a stage, in time order."""
    # Plain columns, not ORM objects: the log has one row per version and is read at size.
    versions = db.session.execute(
        select(
            SubmissionVersion.id,
            SubmissionVersion.submitted_at,
            SubmissionVersion.number,
            SubmissionVersion.content_sha256,
            Submission.code,
            Organisation.name.label("organisation"),
            Organisation.orgnr,
            User.name.label("person"),
        )
        .join(Submission, Submission.id == SubmissionVersion.submission_id)
        .join(Organisation, Organisation.id == Submission.organisation_id)
        .join(User, User.id == SubmissionVersion.submitted_by_id)
        .where(Submission.stage_id == stage.id)
    ).all()
    files: dict[int, list[str]] = {}
    for version_id, filename, sha in db.session.execute(
        select(Attachment.version_id, Attachment.filename, Attachment.sha256)
        .join(Submission, Submission.id == Attachment.submission_id)
        .where(Submission.stage_id == stage.id, Attachment.version_id.is_not(None))
        .order_by(Attachment.id)
    ):
        files.setdefault(version_id, []).append(f"{filename} {sha}")
    withdrawn = db.session.scalars(
        select(Submission)
        .where(Submission.stage_id == stage.id, Submission.withdrawn_at.is_not(None))
        .options(selectinload(Submission.organisation), selectinload(Submission.created_by))
    ).all()
    late = db.session.scalars(
        select(LateAttempt)
        .where(LateAttempt.stage_id == stage.id)
        .options(selectinload(LateAttempt.user), selectinload(LateAttempt.organisation))
    ).all()
    rows = [
        LogRow(
            at=v.submitted_at,
            event="submitted",
            code=v.code,
            organisation=v.organisation,
            orgnr=v.orgnr,
            person=v.person,
            detail=f"v{v.number}",
            hashes=(f"content {v.content_sha256}", *files.get(v.id, ())),
        )
        for v in versions
    ]
    rows += [
        LogRow(
            at=s.withdrawn_at,
            event="withdrawn",
            code=s.code,
            organisation=s.organisation.name,
            orgnr=s.organisation.orgnr,
            person="",
            detail="",
            hashes=(),
        )
        for s in withdrawn
    ]
    rows += [
        LogRow(
            at=a.at,
            event="late",
            code=None,
            organisation=a.organisation.name if a.organisation else "",
            orgnr=a.organisation.orgnr if a.organisation else None,
            person=a.user.name,
            detail=a.action,
            hashes=(
                *([f"content {a.content_sha256}"] if a.content_sha256 else []),
                *(f"{f['name']} {f['sha256']}" for f in a.file_hashes),
            ),
        )
        for a in late
    ]
    return sorted(rows, key=lambda row: row.at)


def stage_of(competition: Competition, position: int) -> Stage | None:
    return next((s for s in competition.stages if s.position == position), None)
