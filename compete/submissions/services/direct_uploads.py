"""Direct uploads: with S3 storage the browser posts a file straight to the bucket (a presigned POST
limited to the slot's size and to one key prefix), then comes back to the app, which checks the stored
object (size, real type, content, SHA-256) before it becomes a draft attachment. The app server never
carries the upload; it reads the object once from storage to check it.

An upload is kept under `incoming/<submission>/<token>/` until it is confirmed: a refused one is deleted
at once, a confirmed one is copied to the attachment's key and the incoming object deleted after the
commit, one never confirmed has no row and is removed by `flask storage check --remove-orphans` (or a
bucket lifecycle rule on `incoming/`).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from compete.accounts.models import User
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.extensions import db
from compete.storage import lifecycle
from compete.storage.backends import DirectUpload, S3DirectUploads, StorageError, get_storage
from compete.submissions import files
from compete.submissions.models import Attachment, Submission
from compete.submissions.services.attachments import add_attachment

INCOMING = "incoming"
# A form is good for an hour; its confirmation link a little longer (a slow upload ends after the hour).
FORM_SECONDS = 3600
TOKEN_SECONDS = 2 * 3600
_SALT = "compete.direct-upload"
_NAME = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class UploadForm:
    slot_key: str
    upload: DirectUpload
    token: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def enabled() -> bool:
    """True when the configured storage takes uploads straight from the browser (S3)."""
    return isinstance(get_storage(), S3DirectUploads)


def _content_type(allowed: list[str]) -> str:
    """The Content-Type the form stores the object with: the type's own for a one-type slot; the real
    type is read from the content on confirmation whatever the browser says."""
    return files.CONTENT_TYPES[allowed[0]] if len(allowed) == 1 else "application/octet-stream"


def upload_forms(submission: Submission, user: User) -> list[UploadForm]:
    """One presigned form per file slot (nothing is written: each page view has its own prefix)."""
    forms = []
    for slot in submission.stage.file_slots:
        name = secrets.token_hex(16)
        prefix = f"{INCOMING}/{submission.id}/{name}"
        token = _serializer().dumps({"s": submission.id, "u": user.id, "slot": slot.key, "n": name})
        redirect = url_for("submissions.upload_done", submission_id=submission.id, token=token, _external=True)
        allowed = [t.strip() for t in slot.allowed_types.split(",") if t.strip()]
        upload = get_storage().direct_upload(
            prefix, _content_type(allowed), slot.max_mb * 1024 * 1024, redirect, expires=FORM_SECONDS
        )
        if upload is None:
            return []
        forms.append(UploadForm(slot.key, upload, token))
    return forms


def read_token(token: str, submission: Submission, user: User) -> tuple[str, str]:
    """(slot key, name) from a confirmation token issued to this user for this submission."""
    try:
        data = _serializer().loads(token or "", max_age=TOKEN_SECONDS)
    except BadSignature as exc:
        raise DomainError(_l("This upload link is not valid any more. Upload the file again."), code="token") from exc
    if (
        not isinstance(data, dict)
        or data.get("s") != submission.id
        or data.get("u") != user.id
        or not _NAME.match(str(data.get("n", "")))
    ):
        raise DomainError(_l("This upload link is not valid any more. Upload the file again."), code="token")
    return str(data.get("slot", "")), data["n"]


def confirm_upload(submission: Submission, user: User, token: str, key: str, *, sha256: str = "") -> Attachment | None:
    """Check the object the browser stored under the token's prefix and make it the slot's draft file.

    Returns the attachment, or None when this upload was confirmed already (a repeated confirmation).
    A refusal (DomainError, in the user's language) deletes the object and keeps the draft as it was."""
    slot_key, name = read_token(token, submission, user)
    prefix = f"{INCOMING}/{submission.id}/{name}/"
    if not key.startswith(prefix) or ".." in key.split("/"):
        raise DomainError(_l("This upload link is not valid any more. Upload the file again."), code="token")
    done = db.session.scalar(
        select(Attachment).where(
            Attachment.submission_id == submission.id,
            Attachment.storage_key.like(f"submissions/{submission.id}/{name}.%"),
        )
    )
    if done is not None:
        return None
    storage = get_storage()
    try:
        slot = next((s for s in submission.stage.file_slots if s.key == slot_key), None)
        if slot is None:
            raise DomainError(_l("This stage does not ask for that file."), code="slot")
        try:
            head = storage.head(key)
        except StorageError as exc:
            raise DomainError(
                _l("The upload did not arrive. Upload the file again."),
                code="missing",
            ) from exc
        if head.size > slot.max_mb * 1024 * 1024:
            raise DomainError(
                _l("The file is larger than %(max)s MB.", max=slot.max_mb),
                code="size",
            )
        try:
            data = storage.read(key)  # at most the slot's size, checked above
        except StorageError as exc:
            raise DomainError(
                _l("The file could not be stored right now. Try the upload again later."),
                code="storage",
            ) from exc
        if len(data) != head.size or (sha256 and sha256.strip().lower() != files.sha256(data)):
            raise DomainError(
                _l("The stored file is not the one your browser sent (its SHA-256 differs). Upload the file again."),
                code="hash",
            )
        filename = key[len(prefix) :] or slot.label
        if filename == "${filename}":  # a storage service that does not fill in the browser's file name
            filename = slot.label
        attachment = add_attachment(
            submission,
            user,
            slot.key,
            filename,
            data,
            is_secret=head.metadata.get("secret", "") not in ("", "0"),
            stored=(key, head.etag, name),
        )
    except DomainError:
        lifecycle.discard([key])
        raise
    lifecycle.delete_when_unreferenced([key])
    return attachment
