"""Writes for innsyn (R44). Only flush; the request commits. E-mail goes through the outbox."""

from __future__ import annotations

import hashlib
import hmac
import io
import uuid
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from compete.accounts.tokens import make_token
from compete.audit.services import Actor, record
from compete.competitions.models import Competition
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.innsyn import package, queries
from compete.innsyn.models import InnsynRedaction, InnsynRequest, InnsynSource, InnsynStatus
from compete.innsyn.permissions import can_request_innsyn
from compete.innsyn.workdays import add_working_days
from compete.notifications.services import queue_email
from compete.storage.backends import StorageError, get_storage

TOKEN_PURPOSE = "innsyn-download"  # noqa: S105 - a salt label, not a secret
MAX_NAME, MAX_EMAIL, MAX_SUBJECT, MAX_REASON = 200, 254, 4000, 2000


class RateLimited(DomainError):
    """Too many public requests from one sender within the window."""


def _required(value: str | None, limit: int, what) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(_l("%(what)s is required.", what=what), code="required")
    if len(text) > limit:
        raise DomainError(_l("%(what)s can be at most %(n)s characters.", what=what, n=limit), code="length")
    return text


def client_hash(client: str) -> str:
    """A keyed hash of the sender's address: enough to count, useless to identify."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"innsyn:{client}".encode(), hashlib.sha256).hexdigest()


def register_request(
    competition: Competition,
    actor: Actor,
    *,
    name: str,
    email: str,
    subject: str,
    source: InnsynSource = InnsynSource.OFFICER,
    received_at: datetime | None = None,
    deadline_at: datetime | None = None,
    language: str = "nb",
    client: str | None = None,
) -> InnsynRequest:
    """Register a request: who, when, what, and the deadline (by default INNSYN_DEADLINE_WORKING_DAYS
    working days after receipt: the law asks for an answer without undue delay)."""
    received_at = received_at or now()
    if deadline_at is None:
        deadline_at = add_working_days(received_at, current_app.config["INNSYN_DEADLINE_WORKING_DAYS"])
    if deadline_at < received_at:
        raise DomainError(_l("The deadline cannot be before the request was received."), code="deadline")
    request = InnsynRequest(
        competition_id=competition.id,
        requester_name=_required(name, MAX_NAME, _l("Name")),
        requester_email=_required(email, MAX_EMAIL, _l("E-mail")).lower(),
        subject=_required(subject, MAX_SUBJECT, _l("What is requested")),
        language=language if language in current_app.config["LANGUAGES"] else "nb",
        source=source,
        status=InnsynStatus.RECEIVED,
        received_at=received_at,
        deadline_at=deadline_at,
        registered_by_id=getattr(actor.user, "id", None),
        client_hash=client_hash(client) if client else None,
        scope={},
    )
    db.session.add(request)
    db.session.flush()
    record(
        actor,
        "innsyn.registered",
        request,
        competition=competition,
        after={"source": source, "received_at": received_at, "deadline_at": deadline_at},
    )
    return request


def submit_public_request(
    competition: Competition, *, name: str, email: str, subject: str, language: str, client: str
) -> InnsynRequest:
    """A request from the form on the call page; anyone may send one, a few per hour per sender."""
    if not can_request_innsyn(competition):
        raise DomainError(_l("This competition is not published."), code="not_published")
    window = timedelta(seconds=current_app.config["INNSYN_PUBLIC_WINDOW_SECONDS"])
    if (
        queries.recent_public_requests(client_hash(client), now() - window)
        >= current_app.config["INNSYN_PUBLIC_MAX_PER_WINDOW"]
    ):
        raise RateLimited(_l("You have sent several requests in a short time. Wait a little and try again."))
    return register_request(
        competition,
        Actor(role="public"),
        name=name,
        email=email,
        subject=subject,
        source=InnsynSource.PUBLIC,
        language=language,
        client=client,
    )


def default_reason() -> str:
    return _("Business secret marked by the participant (forvaltningsloven § 13 first paragraph no. 2).")


def prepare_package(
    request: InnsynRequest,
    actor: Actor,
    *,
    submission_ids: list[int],
    call: bool = True,
    qa: bool = True,
    protocol: bool = True,
    reasons: dict[str, str] | None = None,
    extra: dict[str, str] | None = None,
) -> InnsynRequest:
    """Choose what the package holds and record the redaction decisions.

    Every field and file the participant marked as a business secret (R20) is redacted; `reasons`
    ("<version id>:<target>" → text) may replace the default reason. `extra` redacts unmarked items,
    each with a reason. Nothing in the submissions is changed.
    """
    if request.status == InnsynStatus.RELEASED:
        raise DomainError(_l("This request has been answered; its package can no longer be changed."), code="released")
    reasons, extra = reasons or {}, extra or {}
    candidates = {s.id: s for s in queries.candidates(request.competition)}
    unknown = [i for i in submission_ids if i not in candidates]
    if unknown:
        raise DomainError(_l("Only submitted entries of this competition can be included."), code="entries")
    moment = now()
    request.redactions.clear()
    db.session.flush()
    decisions = []
    for submission_id in sorted(set(submission_ids)):
        version = candidates[submission_id].current_version
        targets = {package.field_target(k): True for k in version.secret_fields or []}
        targets |= {package.file_target(a): True for a in version.attachments if a.is_secret}
        known = {package.field_target(k) for k in version.content or {}} | {
            package.file_target(a) for a in version.attachments
        }
        for key, reason in extra.items():
            version_id, _sep, target = key.partition(":")
            if version_id == str(version.id) and target in known and target not in targets:
                if not (reason or "").strip():
                    raise DomainError(_l("Give a reason for every redaction."), code="reason")
                targets[target] = False
        for target, marked in targets.items():
            reason = (reasons.get(f"{version.id}:{target}") or extra.get(f"{version.id}:{target}") or "").strip()
            if marked and not reason:
                reason = default_reason()
            decision = InnsynRedaction(
                version_id=version.id,
                target=target,
                marked_by_participant=marked,
                reason=_required(reason, MAX_REASON, _l("Reason")),
                decided_by_id=getattr(actor.user, "id", None),
                decided_at=moment,
            )
            request.redactions.append(decision)
            decisions.append({"version": version.id, "target": target, "marked": marked, "reason": decision.reason})
    request.scope = {
        "call": bool(call),
        "qa": bool(qa),
        "protocol": bool(protocol),
        "submissions": sorted(set(submission_ids)),
    }
    request.status = InnsynStatus.PREPARED
    request.prepared_at = moment
    request.prepared_by_id = getattr(actor.user, "id", None)
    db.session.flush()
    record(
        actor,
        "innsyn.prepared",
        request,
        competition=request.competition,
        after={"scope": request.scope, "redactions": decisions},
    )
    return request


def download_token(request: InnsynRequest) -> str:
    return make_token(TOKEN_PURPOSE, request.id)


def release(request: InnsynRequest, actor: Actor) -> InnsynRequest:
    """Build the ZIP with its PDF index, store it, mark the request answered, audit it and e-mail the
    requester a signed, expiring download link (through the outbox)."""
    if request.status != InnsynStatus.PREPARED:
        raise DomainError(_l("Prepare and preview the package before releasing it."), code="not_prepared")
    moment = now()
    data = package.build_zip(package.view(request), moment)
    key = f"innsyn/{request.competition_id}/{request.id}/{uuid.uuid4().hex}.zip"
    try:
        get_storage().save(key, io.BytesIO(data), "application/zip")
    except StorageError as exc:
        raise DomainError(_l("The package could not be stored right now. Try again later."), code="storage") from exc
    request.package_key = key
    request.package_sha256 = hashlib.sha256(data).hexdigest()
    request.package_size = len(data)
    request.status = InnsynStatus.RELEASED
    request.released_at = moment
    request.released_by_id = getattr(actor.user, "id", None)
    db.session.flush()
    record(
        actor,
        "innsyn.released",
        request,
        competition=request.competition,
        after={"sha256": request.package_sha256, "size": len(data), "redactions": len(request.redactions)},
    )
    with force_locale(request.language):
        queue_email(
            "innsyn/released",
            request.requester_email,
            language=request.language,
            competition=request.competition,
            innsyn=request,
            token=download_token(request),
            valid_days=current_app.config["INNSYN_LINK_MAX_AGE_DAYS"],
        )
    return request
