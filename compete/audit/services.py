"""Writing and verifying the audit trail (R41).

Every entry's hash covers its own content and the previous entry's hash, so
changing or removing any entry breaks the chain from that point on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from compete.audit.models import AuditEntry, AuditHead
from compete.core.time import now
from compete.extensions import db

GENESIS = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who acts: the user, the organisation they act for, and the role they act in."""

    user: object | None = None
    organisation: object | None = None
    role: str | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls(role="system")


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def entry_hash(entry: AuditEntry) -> str:
    payload = {
        "seq": entry.seq,
        "at": _jsonable(entry.at),
        "actor_id": entry.actor_id,
        "actor_email": entry.actor_email,
        "organisation_id": entry.organisation_id,
        "role": entry.role,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "competition_id": entry.competition_id,
        "before": entry.before,
        "after": entry.after,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(
    actor: Actor,
    action: str,
    target,
    *,
    competition=None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Append one entry to the chain in the current transaction (flush only).

    `target` is a model instance (its class name and id are recorded) or a
    (type, id) pair.
    """
    if isinstance(target, tuple):
        target_type, target_id = target
    else:
        if target in db.session and getattr(target, "id", None) is None:
            db.session.flush()
        target_type, target_id = type(target).__name__, getattr(target, "id", None)
    # The head row is locked for the rest of the transaction, serialising writers.
    head = db.session.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()).first()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        db.session.add(head)
    user = actor.user
    entry = AuditEntry(
        seq=head.seq + 1,
        at=now(),
        actor_id=getattr(user, "id", None),
        actor_email=getattr(user, "email", None),
        organisation_id=getattr(actor.organisation, "id", None),
        role=actor.role,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        competition_id=getattr(competition, "id", competition),
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        prev_hash=head.hash,
    )
    entry.hash = entry_hash(entry)
    db.session.add(entry)
    head.seq, head.hash = entry.seq, entry.hash
    db.session.flush()
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_seq: int | None = None
    reason: str | None = None  # English, for the CLI and logs
    code: str | None = None  # removed, missing, order, altered

    @property
    def message(self):
        """The reason in the reader's language (R47), for pages and PDFs."""
        texts = {
            "removed": _l("entries after %(n)s were removed", n=self.checked),
            "missing": _l("entry %(n)s is missing", n=self.bad_seq),
            "order": _l("it does not follow the previous entry"),
            "altered": _l("its content was altered"),
        }
        return texts.get(self.code, self.reason)


def verify_chain(batch: int = 1000) -> VerifyResult:
    """Walk the chain in order; report the first altered, inserted or removed entry."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    last_seq = 0
    while True:
        rows = db.session.scalars(
            select(AuditEntry).where(AuditEntry.seq > last_seq).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            head = db.session.get(AuditHead, 1)
            head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
            if head_seq != checked or head_hash != expected_prev:
                return VerifyResult(False, checked, checked + 1, f"entries after {checked} were removed", "removed")
            return VerifyResult(True, checked)
        for entry in rows:
            if entry.seq != expected_seq:
                return VerifyResult(False, checked, expected_seq, f"entry {expected_seq} is missing", "missing")
            if entry.prev_hash != expected_prev:
                return VerifyResult(False, checked, entry.seq, "does not follow the previous entry", "order")
            if entry_hash(entry) != entry.hash:
                return VerifyResult(False, checked, entry.seq, "content was altered", "altered")
            expected_prev = entry.hash
            expected_seq += 1
            checked += 1
            last_seq = entry.seq
        for entry in rows:
            db.session.expunge(entry)  # keep memory flat without detaching the caller's objects


def record_protocol_export(competition, actor: Actor, fmt: str, sha256: str) -> AuditEntry:
    """Log that the procurement protocol was exported, with the SHA-256 of the file handed out,
    so a printed or forwarded protocol can later be matched to its export (R41, R42)."""
    return record(
        actor, "protocol.exported", competition, competition=competition, after={"format": fmt, "sha256": sha256}
    )
