"""Checks before submitting, submitting with a receipt, withdrawing (R15–R20)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from compete.accounts.models import User
from compete.audit.services import record
from compete.competitions.states import StagePhase
from compete.core.errors import DomainError
from compete.core.formatting import format_iso
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.notifications.services import queue_email_to_members
from compete.storage.backends import StorageError, get_storage
from compete.submissions import files
from compete.submissions.models import (
    Attachment,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
)
from compete.submissions.services.attachments import draft_attachments
from compete.submissions.services.drafting import (
    _clean_content,
    _participant,
    content_sha256,
    require_open,
    word_count,
)

# --- checks before submitting ----------------------------------------------------------------------


def validation_errors(submission: Submission, uploads: list[Attachment] | None = None) -> list[str]:
    """What stops the draft from being submitted (R18): required fields, word limits, required files.
    `uploads` are the draft's files when the caller has read them already."""
    errors: list[str] = []
    content = submission.draft_content or {}
    for field in submission.stage.fields:
        value = (content.get(field.key) or "").strip()
        if field.required and not value:
            if field.kind == "checklist":
                errors.append(str(_l("Tick or explain: %(label)s", label=field.label)))
            else:
                errors.append(str(_l("Fill in: %(label)s", label=field.label)))
        if field.word_limit and word_count(value) > field.word_limit:
            errors.append(
                str(
                    _l(
                        "%(label)s has %(count)s words; the limit is %(limit)s.",
                        label=field.label,
                        count=word_count(value),
                        limit=field.word_limit,
                    )
                )
            )
    present = {a.slot_key for a in (draft_attachments(submission) if uploads is None else uploads)}
    for slot in submission.stage.file_slots:
        if slot.required and slot.key not in present:
            errors.append(str(_l("Upload: %(label)s", label=slot.label)))
    return errors


def leak_warnings(submission: Submission, uploads: list[Attachment] | None = None) -> list[str]:
    """Identity found in an anonymous stage's content or files (R19): a warning, not a refusal.
    `uploads` are the draft's files when the caller has read them already."""
    if not submission.stage.anonymous:
        return []
    organisation = submission.organisation
    needles = {organisation.name}
    if organisation.orgnr:
        needles |= {organisation.orgnr, f"{organisation.orgnr[:3]} {organisation.orgnr[3:6]} {organisation.orgnr[6:]}"}
    for membership in organisation.memberships:
        needles |= {membership.user.name, membership.user.email}
    needles = {n for n in needles if n and len(n.strip()) >= 3}
    places: list[tuple[str, list[str]]] = [
        (field.label, [(submission.draft_content or {}).get(field.key, "")]) for field in submission.stage.fields
    ]
    storage = get_storage()
    for attachment in draft_attachments(submission) if uploads is None else uploads:
        kind = attachment.filename.rsplit(".", 1)[-1]
        try:
            data = storage.read(attachment.storage_key)
        except StorageError:
            continue
        places.append((attachment.filename, files.iter_text(data, kind)))
    warnings = []
    for place, chunks in places:
        try:
            found = files.find_in_text(chunks, needles)
        except files.TextUnavailable:
            warnings.append(
                str(
                    _l(
                        "%(place)s could not be read to check it for names (it is too large or complex). "
                        "Check it yourself.",
                        place=place,
                    )
                )
            )
            continue
        for needle in sorted(found):
            warnings.append(str(_l("“%(found)s” appears in %(place)s.", found=needle, place=place)))
    return warnings


# --- submitting, withdrawing -----------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    competition: str
    stage: str
    code: str
    version: int
    submitted_at: datetime
    content_sha256: str
    files: list[dict]

    def as_dict(self) -> dict:
        return {
            "competition": self.competition,
            "stage": self.stage,
            "code": self.code,
            "version": self.version,
            "submitted_at": format_iso(self.submitted_at),
            "content_sha256": self.content_sha256,
            "files": self.files,
        }


def receipt_for(version: SubmissionVersion) -> Receipt:
    submission = version.submission
    return Receipt(
        competition=submission.stage.competition.title,
        stage=submission.stage.name,
        code=submission.code,
        version=version.number,
        submitted_at=version.submitted_at,
        content_sha256=version.content_sha256,
        files=[{"name": a.filename, "size": a.size, "sha256": a.sha256} for a in version.attachments],
    )


def submit(submission: Submission, user: User, idempotency_key: str) -> SubmissionVersion:
    """Freeze the draft as a new immutable version with a receipt (R15–R17).

    The same idempotency key always yields the same version (double clicks, retries).
    """
    if idempotency_key:
        existing = db.session.scalars(
            select(SubmissionVersion).where(SubmissionVersion.idempotency_key == idempotency_key)
        ).first()
        if existing is not None and existing.submission_id == submission.id:
            return existing
    # Serialise concurrent submits of one submission (PostgreSQL; SQLite locks the whole database on write).
    db.session.execute(select(Submission.id).where(Submission.id == submission.id).with_for_update())
    stage = submission.stage
    content = _clean_content(stage, submission.draft_content or {})
    uploads = draft_attachments(submission)
    if stage.phase(now()) != StagePhase.OPEN:
        storage = get_storage()
        sent = []
        for attachment in uploads:
            try:
                sent.append((attachment.filename, storage.read(attachment.storage_key)))
            except StorageError:
                continue
        require_open(
            stage, user, submission.organisation, "submit", submission=submission, uploads=sent, content=content
        )
    errors = validation_errors(submission, uploads)
    if errors:
        raise DomainError(_l("The submission is not complete."), code="incomplete", details=errors)
    number = (
        db.session.scalar(
            select(func.max(SubmissionVersion.number)).where(SubmissionVersion.submission_id == submission.id)
        )
        or 0
    ) + 1
    moment = now()
    version = SubmissionVersion(
        submission=submission,
        number=number,
        submitted_by_id=user.id,
        submitted_at=moment,
        content=content,
        secret_fields=list(submission.draft_secret_fields or []),
        content_sha256=content_sha256(content),
        receipt_sha256="",
        idempotency_key=idempotency_key or None,
        attachments=[],  # a loaded, empty collection: the receipt below reads it without a query
    )
    db.session.add(version)
    db.session.flush()
    for draft in uploads:
        db.session.add(
            Attachment(
                submission_id=submission.id,
                version=version,
                slot_key=draft.slot_key,
                filename=draft.filename,
                content_type=draft.content_type,
                size=draft.size,
                sha256=draft.sha256,
                storage_key=draft.storage_key,
                scrubbed_storage_key=draft.scrubbed_storage_key,
                scrubbed_sha256=draft.scrubbed_sha256,
                is_secret=draft.is_secret,
            )
        )
    db.session.flush()
    receipt = receipt_for(version)
    version.receipt_sha256 = content_sha256(receipt.as_dict())
    submission.current_version_id = version.id
    submission.status = SubmissionStatus.SUBMITTED
    submission.withdrawn_at = None
    db.session.flush()
    record(
        _participant(user, submission.organisation),
        "submission.submitted",
        version,
        competition=stage.competition,
        after={**receipt.as_dict(), "receipt_sha256": version.receipt_sha256},
    )
    queue_email_to_members(
        submission.organisation,
        "submissions/receipt",
        competition=stage.competition,
        submission=submission,
        version=version,
        receipt=receipt,
    )
    return version


def withdraw(submission: Submission, user: User) -> None:
    """Withdraw before the deadline: nothing is evaluated, every version is kept (R16)."""
    require_open(submission.stage, user, submission.organisation, "withdraw", submission=submission)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise DomainError(_l("Only a submitted entry can be withdrawn."), code="not_submitted")
    submission.status = SubmissionStatus.WITHDRAWN
    submission.withdrawn_at = now()
    db.session.flush()
    record(
        _participant(user, submission.organisation),
        "submission.withdrawn",
        submission,
        competition=submission.stage.competition,
        before={"status": "submitted"},
        after={"status": "withdrawn"},
    )
    # Every member is told, so that a withdrawal nobody meant is noticed before the deadline.
    queue_email_to_members(
        submission.organisation,
        "submissions/withdrawn",
        competition=submission.stage.competition,
        submission=submission,
        withdrawn_by=user,
    )
