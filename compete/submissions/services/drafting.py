"""Starting a submission, deadlines and late attempts, drafts and attachments (R10, R15, R18, R19, R36)."""

from __future__ import annotations

import hashlib
import io
import json
import random
import secrets
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select

from compete.accounts.models import Organisation, User
from compete.audit.services import Actor, record
from compete.awards.models import Selection
from compete.competitions.models import Stage
from compete.competitions.states import StagePhase
from compete.core.db import lock_row
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.storage import lifecycle
from compete.storage.backends import StorageError
from compete.submissions import files
from compete.submissions.models import (
    Attachment,
    LateAttempt,
    Submission,
    SubmissionStatus,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class DeadlinePassed(DomainError):
    """The stage is not open for writes; the attempt has been logged (R15)."""


def _participant(user: User, organisation: Organisation | None) -> Actor:
    return Actor(user, organisation, "participant")


_seeded: list[random.Random] = []  # the demo's repeatable story only; never set in a request


@contextmanager
def seeded_codes(seed: str):
    """Draw entry codes from a seeded generator inside the block, so that `flask demo` tells the
    same story every time (the jury demo scores entries in code order)."""
    _seeded.append(random.Random(seed))
    try:
        yield
    finally:
        _seeded.pop()


def new_code() -> str:
    """A random, non-sequential code such as "K7QX-M2PA" (R19)."""
    choice = _seeded[-1].choice if _seeded else secrets.choice
    raw = "".join(choice(CODE_ALPHABET) for _ in range(8))
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
    """Selected in `stage` by a decision whose notices have gone out (R31, R36)."""
    from compete.awards.models import Decision

    return (
        db.session.scalar(
            select(Selection.id)
            .join(Decision, Decision.id == Selection.decision_id)
            .where(
                Selection.stage_id == stage.id,
                Selection.organisation_id == organisation.id,
                Decision.notices_sent_at.is_not(None),
            )
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
    """Save the form as a draft (autosave and the save button). Limits are checked on submit.
    Saving the same content again changes nothing else: autosave is safe to retry."""
    lock_row(submission)  # PostgreSQL: queue behind a concurrent save or submit of this entry
    stage = submission.stage
    content = _clean_content(stage, content)
    require_open(stage, user, submission.organisation, "save", submission=submission, content=content)
    keys = {f.key for f in stage.fields}
    submission.draft_content = content
    submission.draft_secret_fields = sorted(k for k in secret_fields if k in keys)
    submission.draft_saved_at = now()
    db.session.flush()


@dataclass(frozen=True)
class PreparedFile:
    """A file checked, scrubbed and stored for a slot of a draft, before the row that keeps it is
    written (`prepare_attachment`). Its objects belong to the next transaction: they are deleted
    if it rolls back, or if `add_attachment` refuses the file."""

    slot_key: str
    kind: str
    size: int
    sha256: str
    key: str
    scrubbed_key: str | None = None
    scrubbed_sha256: str | None = None
    removed: tuple[str, ...] = ()

    @property
    def keys(self) -> list[str]:
        return [key for key in (self.key, self.scrubbed_key) if key]

    def discard(self) -> None:
        """The file is not kept: delete its objects now."""
        for key in self.keys:
            lifecycle.discard_new(key)

    def fits(self, stage: Stage) -> bool:
        """The stage still asks for this file as it was prepared (a slot taking its type and size,
        scrubbed exactly when the stage is anonymous)."""
        slot = next((s for s in stage.file_slots if s.key == self.slot_key), None)
        return (
            slot is not None
            and self.size <= slot.max_mb * 1024 * 1024
            and self.kind in _allowed_types(slot)
            and (self.scrubbed_key is not None) == bool(stage.anonymous)
        )


def _allowed_types(slot) -> list[str]:
    return [t.strip() for t in slot.allowed_types.split(",") if t.strip()]


def prepare_attachment(
    submission: Submission, slot_key: str, data: bytes, *, stored: tuple[str, str, str] | None = None
) -> PreparedFile:
    """Check a file for a slot of the draft, scrub it when the stage is anonymous, and store it: the
    slow part of an upload (a 5 MB PDF takes about 40 ms), which writes no row. Raises DomainError.

    `stored` is (key, etag, name) of an object the browser uploaded straight to storage (direct
    uploads): `data` was read from it, and the checked object is copied inside the storage to the
    attachment's key `submissions/<id>/<name>.<type>` instead of being saved from the app."""
    stage = submission.stage
    slot = next((s for s in stage.file_slots if s.key == slot_key), None)
    if slot is None:
        raise DomainError(_l("This stage does not ask for that file."), code="slot")
    if not data:
        raise DomainError(_l("The file is empty."), code="empty")
    if len(data) > slot.max_mb * 1024 * 1024:
        raise DomainError(_l("The file is larger than %(max)s MB.", max=slot.max_mb), code="size")
    kind = files.detect_type(data)
    allowed = _allowed_types(slot)
    if kind is None or kind not in allowed:
        raise DomainError(
            _l(
                "The file's content is not an allowed type (%(types)s).",
                types=", ".join(t.upper() for t in allowed),
            ),
            code="type",
        )
    # Everything that reads the content runs before anything is stored: a refusal leaves no object behind.
    files.check_content(io.BytesIO(data), kind)
    scrubbed = files.strip_metadata(data, kind) if stage.anonymous else None
    key = f"submissions/{submission.id}/{stored[2] if stored else uuid.uuid4().hex}.{kind}"
    scrubbed_key = f"submissions/{submission.id}/{uuid.uuid4().hex}.scrubbed.{kind}" if scrubbed else None
    try:
        if stored is None:
            lifecycle.save_new(key, io.BytesIO(data), files.CONTENT_TYPES[kind])
        elif lifecycle.copy_new(stored[0], key, files.CONTENT_TYPES[kind]) != stored[1]:
            # The object was replaced between our reading it and the copy: what we checked is not what
            # would be kept.
            lifecycle.discard_new(key)
            raise DomainError(
                _l("The uploaded file changed while it was being checked."),
                code="hash",
            )
        if scrubbed is not None:
            lifecycle.save_new(scrubbed_key, io.BytesIO(scrubbed.data), files.CONTENT_TYPES[kind])
    except StorageError as exc:
        for saved in (key, scrubbed_key):
            if saved:
                lifecycle.discard_new(saved)
        raise DomainError(
            _l("The file could not be stored right now. Try the upload again later."),
            code="storage",
        ) from exc
    return PreparedFile(
        slot_key=slot.key,
        kind=kind,
        size=len(data),
        sha256=files.sha256(data),
        key=key,
        scrubbed_key=scrubbed_key,
        scrubbed_sha256=files.sha256(scrubbed.data) if scrubbed else None,
        removed=tuple(scrubbed.removed) if scrubbed else (),
    )


def add_attachment(
    submission: Submission,
    user: User,
    slot_key: str,
    filename: str,
    data: bytes,
    *,
    is_secret: bool = False,
    stored: tuple[str, str, str] | None = None,
    prepared: PreparedFile | None = None,
) -> Attachment:
    """Check and store one file for a slot of the draft, replacing the slot's previous draft file.

    `prepared` is the same file already checked and stored by `prepare_attachment` outside the
    write transaction: it is kept if the stage is still open and still asks for it as prepared
    (prepared again otherwise), and its objects are deleted if the file is refused. `stored`: see
    `prepare_attachment`."""
    stage = submission.stage
    try:
        require_open(stage, user, submission.organisation, "upload", submission=submission, uploads=[(filename, data)])
        if prepared is not None and (prepared.slot_key != slot_key or not prepared.fits(stage)):
            prepared.discard()
            prepared = None
        if prepared is None:
            prepared = prepare_attachment(submission, slot_key, data, stored=stored)
    except DomainError:
        if prepared is not None:
            prepared.discard()
        raise
    attachment = Attachment(
        submission_id=submission.id,
        slot_key=prepared.slot_key,
        filename=files.safe_filename(filename, prepared.kind),
        content_type=files.CONTENT_TYPES[prepared.kind],
        size=prepared.size,
        sha256=prepared.sha256,
        storage_key=prepared.key,
        scrubbed_storage_key=prepared.scrubbed_key,
        scrubbed_sha256=prepared.scrubbed_sha256,
        is_secret=is_secret,
    )
    for old in draft_attachments(submission):
        if old.slot_key == prepared.slot_key:
            _forget(old)
    db.session.add(attachment)
    db.session.flush()
    actor = _participant(user, submission.organisation)
    record(
        actor,
        "submission.file_uploaded",
        attachment,
        competition=stage.competition,
        after={
            "slot": prepared.slot_key,
            "name": attachment.filename,
            "size": attachment.size,
            "sha256": attachment.sha256,
        },
    )
    if prepared.scrubbed_key is not None:
        record(
            Actor.system(),
            "submission.metadata_stripped",
            attachment,
            competition=stage.competition,
            after={"removed": list(prepared.removed), "sha256": attachment.scrubbed_sha256},
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
    _forget(attachment)
    db.session.flush()


def _forget(attachment: Attachment) -> None:
    """Delete a draft row; its objects go after the commit unless a submitted version shares them."""
    lifecycle.delete_when_unreferenced([attachment.storage_key, attachment.scrubbed_storage_key])
    db.session.delete(attachment)


def draft_attachments(submission: Submission) -> list[Attachment]:
    return list(
        db.session.scalars(
            select(Attachment)
            .where(Attachment.submission_id == submission.id, Attachment.version_id.is_(None))
            .order_by(Attachment.id)
        )
    )
