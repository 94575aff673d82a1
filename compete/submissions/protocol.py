"""Protocol sections for submissions (R42): receipt log with late attempts, deadline extensions,
formal check.

In an anonymous stage the entries appear by code only until the stage is de-anonymised (R24,
R30): the protocol can be generated at any time and must not undo the anonymity on the way.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from compete.accounts.models import Organisation, User
from compete.audit.models import AuditEntry
from compete.audit.protocol import iso, labels, section, value_labels
from compete.competitions.models import Competition, Stage
from compete.competitions.states import StageState
from compete.core.i18n import lazy_gettext as _l
from compete.extensions import db
from compete.submissions.models import LateAttempt, Submission, SubmissionStatus, SubmissionVersion

labels(
    {
        "at": _l("Time"),
        "event": _l("Event"),
        "code": _l("Code"),
        "version": _l("Version"),
        "person": _l("Person"),
        "content_sha256": _l("SHA-256 of the content"),
        "receipt_sha256": _l("SHA-256 of the receipt"),
        "files": _l("Files"),
        "file": _l("File"),
        "size": _l("Size (bytes)"),
        "sha256": _l("SHA-256"),
        "extended_at": _l("Extended"),
        "previous_deadline_at": _l("Previous deadline"),
        "new_deadline_at": _l("New deadline"),
        "extended_by": _l("Extended by"),
        "eligibility": _l("Eligibility"),
        "ground": _l("Ground"),
        "checked_by": _l("Checked by"),
        "checked_at": _l("Checked"),
        "category": _l("Category"),
    }
)

IDENTIFIED_STATES = (StageState.DEANONYMISED, StageState.DECIDED)


def _stages(competition: Competition) -> dict[int, Stage]:
    return {
        s.id: s
        for s in db.session.scalars(
            select(Stage).where(Stage.competition_id == competition.id).order_by(Stage.position)
        )
    }


def identity_hidden(stage: Stage) -> bool:
    return stage.anonymous and stage.state not in IDENTIFIED_STATES


def _who(stage: Stage, organisation: Organisation | None, person: str | None) -> dict:
    if identity_hidden(stage) or organisation is None:
        return {"organisation": None, "orgnr": None, "person": None if identity_hidden(stage) else person}
    return {"organisation": organisation.name, "orgnr": organisation.orgnr, "person": person}


@section("receipt_log", _l("Receipt log"), order=30)
def receipt_log(competition: Competition) -> list[dict]:
    """Every submitted version, withdrawal and late attempt, per stage in time order (R15–R17)."""
    stages = _stages(competition)
    if not stages:
        return []
    versions = db.session.scalars(
        select(SubmissionVersion)
        .join(Submission, Submission.id == SubmissionVersion.submission_id)
        .where(Submission.stage_id.in_(stages))
        .options(
            selectinload(SubmissionVersion.submission).selectinload(Submission.organisation),
            selectinload(SubmissionVersion.submitted_by),
            selectinload(SubmissionVersion.attachments),
        )
    ).all()
    withdrawn = db.session.scalars(
        select(Submission)
        .where(Submission.stage_id.in_(stages), Submission.withdrawn_at.is_not(None))
        .options(selectinload(Submission.organisation))
    ).all()
    late = db.session.execute(
        select(LateAttempt, Submission.code)
        .outerjoin(Submission, Submission.id == LateAttempt.submission_id)
        .where(LateAttempt.stage_id.in_(stages))
        .options(selectinload(LateAttempt.user), selectinload(LateAttempt.organisation))
    ).all()
    rows: list[tuple[int, datetime, dict]] = []
    for v in versions:
        stage = stages[v.submission.stage_id]
        row = {
            "stage": stage.position,
            "at": iso(v.submitted_at),
            "event": "submitted",
            "code": v.submission.code,
            "version": v.number,
            **_who(stage, v.submission.organisation, v.submitted_by.name),
            "content_sha256": v.content_sha256,
            "receipt_sha256": v.receipt_sha256,
            "files": [{"file": a.filename, "size": a.size, "sha256": a.sha256} for a in v.attachments],
        }
        rows.append((stage.position, v.submitted_at, row))
    for s in withdrawn:
        stage = stages[s.stage_id]
        row = {
            "stage": stage.position,
            "at": iso(s.withdrawn_at),
            "event": "withdrawn",
            "code": s.code,
            "version": None,
            **_who(stage, s.organisation, None),
            "content_sha256": None,
            "receipt_sha256": None,
            "files": [],
        }
        rows.append((stage.position, s.withdrawn_at, row))
    for attempt, code in late:
        stage = stages[attempt.stage_id]
        row = {
            "stage": stage.position,
            "at": iso(attempt.at),
            "event": f"late_{attempt.action}",
            "code": code,
            "version": None,
            **_who(stage, attempt.organisation, attempt.user.name),
            "content_sha256": attempt.content_sha256,
            "receipt_sha256": None,
            "files": [
                {"file": f.get("name"), "size": f.get("size"), "sha256": f.get("sha256")} for f in attempt.file_hashes
            ],
        }
        rows.append((stage.position, attempt.at, row))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [row for _position, _at, row in rows]


def _parse(value) -> datetime | None:
    """A time as the audit trail stores it ("…T11:00:00.000000Z")."""
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)


@section("extensions", _l("Deadline extensions"), order=32)
def extensions(competition: Competition) -> list[dict]:
    """Every extension of a deadline, which applies to everyone, with its reason (R15)."""
    stages = {str(k): v for k, v in _stages(competition).items()}
    entries = db.session.execute(
        select(AuditEntry, User.name, Organisation.name)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .outerjoin(Organisation, Organisation.id == AuditEntry.organisation_id)
        .where(AuditEntry.competition_id == competition.id, AuditEntry.action == "stage.deadline_extended")
        .order_by(AuditEntry.seq)
    ).all()
    return [
        {
            "stage": stages[entry.target_id].position if entry.target_id in stages else None,
            "extended_at": iso(entry.at),
            "previous_deadline_at": iso(_parse((entry.before or {}).get("deadline_at"))),
            "new_deadline_at": iso(_parse((entry.after or {}).get("deadline_at"))),
            "reason": (entry.after or {}).get("reason"),
            "extended_by": person,
            "organisation": organisation,
        }
        for entry, person, organisation in entries
    ]


@section("formal_check", _l("Formal check"), order=40)
def formal_check(competition: Competition) -> list[dict]:
    """Every submitted entry per stage: eligible, rejected with its ground, or not yet checked (R34)."""
    stages = _stages(competition)
    if not stages:
        return []
    checker = aliased(User)
    rows = db.session.execute(
        select(Submission, checker.name)
        .outerjoin(checker, checker.id == Submission.checked_by_id)
        .where(Submission.stage_id.in_(stages), Submission.status == SubmissionStatus.SUBMITTED)
        .options(selectinload(Submission.organisation))
    ).all()
    result = []
    for submission, checked_by in rows:
        stage = stages[submission.stage_id]
        who = _who(stage, submission.organisation, None)
        result.append(
            {
                "stage": stage.position,
                "code": submission.code,
                "organisation": who["organisation"],
                "orgnr": who["orgnr"],
                "category": submission.eligibility_category or None,
                "eligibility": submission.eligibility.value,
                "ground": submission.rejection_ground,
                "checked_by": checked_by,
                "checked_at": iso(submission.checked_at),
            }
        )
    result.sort(key=lambda r: (r["stage"], r["code"]))
    return result


value_labels(
    "event",
    {
        "submitted": _l("Submitted"),
        "withdrawn": _l("Withdrawn"),
        "late_submit": _l("Late attempt: submit"),
        "late_save": _l("Late attempt: save"),
        "late_upload": _l("Late attempt: upload"),
        "late_withdraw": _l("Late attempt: withdraw"),
        "late_start": _l("Late attempt: start"),
    },
)
value_labels(
    "eligibility",
    {"pending": _l("Not checked"), "eligible": _l("Eligible"), "rejected": _l("Rejected")},
)
