"""Writes for submissions: start, draft, attachments, submit with receipt, withdraw, late attempts,
extensions and the formal check. Services flush only; the request commits."""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from compete.accounts.models import Organisation, User
from compete.audit.services import Actor, record
from compete.awards.models import Selection
from compete.competitions.models import Stage
from compete.competitions.states import StagePhase, StageState
from compete.core.errors import DomainError
from compete.core.formatting import format_iso
from compete.core.time import now
from compete.extensions import db
from compete.notifications.services import queue_email
from compete.storage.backends import StorageError, get_storage
from compete.submissions import files
from compete.submissions.models import (
    Attachment,
    Eligibility,
    LateAttempt,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class DeadlinePassed(DomainError):
    """The stage is not open for writes; the attempt has been logged (R15)."""


def _participant(user: User, organisation: Organisation | None) -> Actor:
    return Actor(user, organisation, "participant")


def new_code() -> str:
    """A random, non-sequential code such as "K7QX-M2PA" (R19)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def content_sha256(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def word_count(text: str) -> int:
    return len((text or "").split())


# --- deadlines and late attempts ----------------------------------------------------------------


def record_late_attempt(
    stage: Stage,
    user: User,
    organisation: Organisation | None,
    action: str,
    *,
    submission: Submission | None = None,
    uploads: list[tuple[str, bytes]] = (),
    content: dict | None = None,
) -> LateAttempt:
    """Log a refused write after the deadline with the hashes of what was sent (R15)."""
    attempt = LateAttempt(
        stage_id=stage.id,
        submission_id=submission.id if submission else None,
        user_id=user.id,
        organisation_id=organisation.id if organisation else None,
        action=action,
        at=now(),
        file_hashes=[{"name": name, "size": len(data), "sha256": files.sha256(data)} for name, data in uploads],
        content_sha256=content_sha256(content) if content is not None else None,
    )
    db.session.add(attempt)
    db.session.flush()
    record(
        _participant(user, organisation),
        "submission.late_attempt",
        attempt,
        competition=stage.competition,
        after={"action": action, "files": attempt.file_hashes, "content_sha256": attempt.content_sha256},
    )
    return attempt


def require_open(
    stage: Stage,
    user: User,
    organisation: Organisation | None,
    action: str,
    *,
    submission: Submission | None = None,
    uploads: list[tuple[str, bytes]] = (),
    content: dict | None = None,
) -> None:
    """Refuse any write unless the stage is open by the server clock; log refusals after the deadline."""
    phase = stage.phase(now())
    if phase == StagePhase.OPEN:
        return
    if phase == StagePhase.UPCOMING:
        raise DomainError(_l("This stage is not open for submissions yet."), code="not_open")
    record_late_attempt(stage, user, organisation, action, submission=submission, uploads=uploads, content=content)
    raise DeadlinePassed(
        _l("The deadline has passed. Nothing was changed, and this attempt has been logged."), code="late"
    )


# --- starting and drafting ------------------------------------------------------------------------


def start_submission(stage: Stage, user: User, organisation: Organisation, category: str) -> Submission:
    """Open (or return) the organisation's submission for a stage after the self-check (R10, R36)."""
    existing = db.session.scalars(
        select(Submission).where(Submission.stage_id == stage.id, Submission.organisation_id == organisation.id)
    ).first()
    if existing is not None:
        return existing
    require_open(stage, user, organisation, "start")
    categories = [c.name for c in stage.competition.eligibility_categories]
    if categories and category not in categories:
        raise DomainError(_l("Choose the category that applies to your organisation."), code="self_check")
    previous = next((s for s in stage.competition.stages if s.position == stage.position - 1), None)
    if previous is not None and not is_selected(previous, organisation):
        raise DomainError(
            _l("Only participants selected in the previous stage can take part in this stage."), code="not_selected"
        )
    submission = Submission(
        stage_id=stage.id,
        organisation_id=organisation.id,
        created_by_id=user.id,
        code=_unique_code(stage),
        status=SubmissionStatus.DRAFT,
        eligibility_category=category or "",
        self_check_at=now(),
        draft_content={},
        draft_secret_fields=[],
    )
    db.session.add(submission)
    db.session.flush()
    record(
        _participant(user, organisation),
        "submission.started",
        submission,
        competition=stage.competition,
        after={"stage": stage.position, "category": category},
    )
    return submission


def is_selected(stage: Stage, organisation: Organisation) -> bool:
    return (
        db.session.scalar(
            select(Selection.id).where(Selection.stage_id == stage.id, Selection.organisation_id == organisation.id)
        )
        is not None
    )


def _unique_code(stage: Stage) -> str:
    while True:
        code = new_code()
        taken = db.session.scalar(select(Submission.id).where(Submission.stage_id == stage.id, Submission.code == code))
        if taken is None:
            return code


def _clean_content(stage: Stage, content: dict) -> dict:
    """Keep only the template's fields, as strings."""
    keys = {f.key for f in stage.fields}
    return {key: str(value or "") for key, value in content.items() if key in keys}


def save_draft(submission: Submission, user: User, content: dict, secret_fields: list[str] = ()) -> None:
    """Save the form as a draft (autosave and the save button). Limits are checked on submit."""
    stage = submission.stage
    content = _clean_content(stage, content)
    require_open(stage, user, submission.organisation, "save", submission=submission, content=content)
    keys = {f.key for f in stage.fields}
    submission.draft_content = content
    submission.draft_secret_fields = sorted(k for k in secret_fields if k in keys)
    submission.draft_saved_at = now()
    db.session.flush()


def add_attachment(
    submission: Submission, user: User, slot_key: str, filename: str, data: bytes, *, is_secret: bool = False
) -> Attachment:
    """Check and store one file for a slot of the draft, replacing the slot's previous draft file."""
    stage = submission.stage
    require_open(stage, user, submission.organisation, "upload", submission=submission, uploads=[(filename, data)])
    slot = next((s for s in stage.file_slots if s.key == slot_key), None)
    if slot is None:
        raise DomainError(_l("This stage does not ask for that file."), code="slot")
    if not data:
        raise DomainError(_l("The file is empty."), code="empty")
    if len(data) > slot.max_mb * 1024 * 1024:
        raise DomainError(
            _l("The file is larger than %(max)s MB. Nothing was changed in your draft.", max=slot.max_mb), code="size"
        )
    kind = files.detect_type(data)
    allowed = [t.strip() for t in slot.allowed_types.split(",") if t.strip()]
    if kind is None or kind not in allowed:
        raise DomainError(
            _l(
                "The file's content is not an allowed type (%(types)s). Nothing was changed in your draft.",
                types=", ".join(t.upper() for t in allowed),
            ),
            code="type",
        )
    storage = get_storage()
    key = f"submissions/{submission.id}/{uuid.uuid4().hex}.{kind}"
    try:
        storage.save(key, io.BytesIO(data), files.CONTENT_TYPES[kind])
    except StorageError as exc:
        raise DomainError(
            _l("The file could not be stored right now. Your draft is saved; try the upload again later."),
            code="storage",
        ) from exc
    attachment = Attachment(
        submission_id=submission.id,
        slot_key=slot.key,
        filename=files.safe_filename(filename, kind),
        content_type=files.CONTENT_TYPES[kind],
        size=len(data),
        sha256=files.sha256(data),
        storage_key=key,
        is_secret=is_secret,
    )
    if stage.anonymous:
        scrubbed = files.strip_metadata(data, kind)
        scrubbed_key = f"submissions/{submission.id}/{uuid.uuid4().hex}.scrubbed.{kind}"
        try:
            storage.save(scrubbed_key, io.BytesIO(scrubbed.data), files.CONTENT_TYPES[kind])
        except StorageError as exc:
            raise DomainError(
                _l("The file could not be stored right now. Your draft is saved; try the upload again later."),
                code="storage",
            ) from exc
        attachment.scrubbed_storage_key = scrubbed_key
        attachment.scrubbed_sha256 = files.sha256(scrubbed.data)
    for old in draft_attachments(submission):
        if old.slot_key == slot.key:
            db.session.delete(old)
    db.session.add(attachment)
    db.session.flush()
    actor = _participant(user, submission.organisation)
    record(
        actor,
        "submission.file_uploaded",
        attachment,
        competition=stage.competition,
        after={"slot": slot.key, "name": attachment.filename, "size": attachment.size, "sha256": attachment.sha256},
    )
    if stage.anonymous:
        record(
            Actor.system(),
            "submission.metadata_stripped",
            attachment,
            competition=stage.competition,
            after={"removed": scrubbed.removed, "sha256": attachment.scrubbed_sha256},
        )
    return attachment


def remove_attachment(submission: Submission, user: User, attachment: Attachment) -> None:
    require_open(submission.stage, user, submission.organisation, "upload", submission=submission)
    if attachment.submission_id != submission.id or attachment.version_id is not None:
        raise DomainError(_l("That file cannot be removed."), code="attachment")
    record(
        _participant(user, submission.organisation),
        "submission.file_removed",
        attachment,
        competition=submission.stage.competition,
        before={"name": attachment.filename},
    )
    db.session.delete(attachment)
    db.session.flush()


def draft_attachments(submission: Submission) -> list[Attachment]:
    return list(
        db.session.scalars(
            select(Attachment)
            .where(Attachment.submission_id == submission.id, Attachment.version_id.is_(None))
            .order_by(Attachment.id)
        )
    )


# --- checks before submitting ----------------------------------------------------------------------


def validation_errors(submission: Submission) -> list[str]:
    """What stops the draft from being submitted (R18): required fields, word limits, required files."""
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
    present = {a.slot_key for a in draft_attachments(submission)}
    for slot in submission.stage.file_slots:
        if slot.required and slot.key not in present:
            errors.append(str(_l("Upload: %(label)s", label=slot.label)))
    return errors


def leak_warnings(submission: Submission) -> list[str]:
    """Identity found in an anonymous stage's content or files (R19): a warning, not a refusal."""
    if not submission.stage.anonymous:
        return []
    organisation = submission.organisation
    needles = {organisation.name}
    if organisation.orgnr:
        needles |= {organisation.orgnr, f"{organisation.orgnr[:3]} {organisation.orgnr[3:6]} {organisation.orgnr[6:]}"}
    for membership in organisation.memberships:
        needles |= {membership.user.name, membership.user.email}
    needles = {n for n in needles if n and len(n.strip()) >= 3}
    places: list[tuple[str, str]] = [
        (field.label, (submission.draft_content or {}).get(field.key, "")) for field in submission.stage.fields
    ]
    storage = get_storage()
    for attachment in draft_attachments(submission):
        kind = attachment.filename.rsplit(".", 1)[-1]
        try:
            data = storage.read(attachment.storage_key)
        except StorageError:
            continue
        places.append((attachment.filename, files.extract_text(data, kind)))
    warnings = []
    for place, text in places:
        haystack = " ".join((text or "").split()).casefold()
        for needle in sorted(needles):
            if needle.casefold() in haystack:
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
    errors = validation_errors(submission)
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
    for membership in submission.organisation.memberships:
        member = membership.user
        queue_email(
            "submissions/receipt",
            to=member.email,
            language=member.language,
            recipient=member,
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
        for membership in submission.organisation.memberships:
            member = membership.user
            queue_email(
                "submissions/rejected",
                to=member.email,
                language=member.language,
                recipient=member,
                competition=submission.stage.competition,
                submission=submission,
                ground=ground.strip(),
            )
