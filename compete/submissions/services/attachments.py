"""A draft's files: checked, scrubbed and stored, then kept as rows of the draft (R18, R19)."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from compete.accounts.models import User
from compete.audit.services import Actor, record
from compete.competitions.models import Stage
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.extensions import db
from compete.storage import lifecycle
from compete.storage.backends import StorageError
from compete.submissions import files
from compete.submissions.models import Attachment, Submission
from compete.submissions.services.drafting import _participant, require_open


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
