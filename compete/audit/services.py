"""Writing and verifying the audit trail (R41).

Every entry's hash is an HMAC (key `AUDIT_KEY`, kept outside the database) over its own content
and the previous entry's hash in its chain, so changing or removing an entry breaks the chain
from that point on, and nobody without the key can recompute a consistent chain. One chain per
competition and a platform chain (0) for the rest; each chain's head is sealed outside the
database (`compete/audit/seals.py`) so that a rewrite by someone holding the key is found too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum

from flask import current_app
from sqlalchemy import select, union
from sqlalchemy.dialects import postgresql, sqlite

from compete.audit.models import PLATFORM_CHAIN, AuditEntry, AuditHead
from compete.core.i18n import lazy_gettext as _l
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


def _key() -> bytes:
    return current_app.config["AUDIT_KEY"].encode()


def entry_hash(entry: AuditEntry, key: bytes | None = None) -> str:
    """HMAC-SHA256 of the entry's canonical JSON under the audit key."""
    payload = {
        "chain": entry.chain,
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
    return hmac.new(key if key is not None else _key(), canonical.encode(), hashlib.sha256).hexdigest()


def chain_of(competition) -> int:
    competition_id = getattr(competition, "id", competition)
    return PLATFORM_CHAIN if competition_id is None else int(competition_id)


def _locked_head(chain: int) -> AuditHead | None:
    """The chain's head row, locked until the transaction ends (PostgreSQL), so appends serialise."""
    return db.session.scalars(select(AuditHead).where(AuditHead.id == chain).with_for_update()).first()


def _create_head(chain: int, seq: int, hash_: str) -> bool:
    """Insert a new chain's head unless another writer just did (then False: lock theirs)."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    table = AuditHead.__table__
    statement = (
        dialect.insert(table)
        .values(id=chain, seq=seq, hash=hash_)
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(table.c.id)
    )
    return db.session.execute(statement).first() is not None


def record(
    actor: Actor,
    action: str,
    target,
    *,
    competition=None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Append one entry to the competition's chain (or the platform chain) in the current
    transaction (flush only).

    `target` is a model instance (its class name and id are recorded) or a (type, id) pair.
    """
    if isinstance(target, tuple):
        target_type, target_id = target
    else:
        if target in db.session and getattr(target, "id", None) is None:
            db.session.flush()
        target_type, target_id = type(target).__name__, getattr(target, "id", None)
    chain = chain_of(competition)
    user = actor.user
    entry = AuditEntry(
        chain=chain,
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
    )
    head = _locked_head(chain)
    if head is None:
        entry.seq, entry.prev_hash = 1, GENESIS
        entry.hash = entry_hash(entry)
        if _create_head(chain, 1, entry.hash):  # the new head row is ours (and locked) until commit
            db.session.add(entry)
            db.session.flush()
            return entry
        head = _locked_head(chain)
    entry.seq, entry.prev_hash = head.seq + 1, head.hash
    entry.hash = entry_hash(entry)
    db.session.add(entry)
    db.session.flush()  # the entry first: the head may only move to an entry that exists (trigger)
    head.seq, head.hash = entry.seq, entry.hash
    db.session.flush()
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_seq: int | None = None
    reason: str | None = None  # English, for the CLI and logs
    chain: int | None = None
    code: str | None = None  # removed, missing, order, altered, cut, rewritten

    @property
    def message(self):
        """The reason in the reader's language (R47), for pages and PDFs."""
        texts = {
            "removed": _l("entries after %(n)s were removed", n=(self.bad_seq or 1) - 1),
            "missing": _l("entry %(n)s is missing", n=self.bad_seq),
            "order": _l("it does not follow the previous entry"),
            "altered": _l("its content was altered"),
            "cut": _l("the sealed entry is gone: the chain was cut"),
            "rewritten": _l("it differs from the sealed head: the chain was rewritten"),
        }
        return texts.get(self.code, self.reason)


def _chains() -> list[int]:
    ids = union(select(AuditHead.id), select(AuditEntry.chain).distinct())
    return sorted(db.session.scalars(select(ids.subquery().c[0])).all())


def _verify_one(chain: int, key: bytes, batch: int) -> tuple[int, VerifyResult | None]:
    expected_prev, expected_seq, checked, last_seq = GENESIS, 1, 0, 0
    while True:
        rows = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.chain == chain, AuditEntry.seq > last_seq)
            .order_by(AuditEntry.seq)
            .limit(batch)
        ).all()
        if not rows:
            head = db.session.get(AuditHead, chain)
            head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
            if head_seq != checked or head_hash != expected_prev:
                return checked, VerifyResult(
                    False, 0, checked + 1, f"entries after {checked} were removed", chain, code="removed"
                )
            return checked, None
        for entry in rows:
            if entry.seq != expected_seq:
                return checked, VerifyResult(
                    False, 0, expected_seq, f"entry {expected_seq} is missing", chain, code="missing"
                )
            if entry.prev_hash != expected_prev:
                return checked, VerifyResult(
                    False, 0, entry.seq, "does not follow the previous entry", chain, code="order"
                )
            if not hmac.compare_digest(entry_hash(entry, key), entry.hash):
                return checked, VerifyResult(False, 0, entry.seq, "content was altered", chain, code="altered")
            expected_prev = entry.hash
            expected_seq += 1
            checked += 1
            last_seq = entry.seq
        for entry in rows:
            db.session.expunge(entry)  # keep memory flat without detaching the caller's objects


@dataclass(frozen=True)
class SealedHead:
    """A chain's head as published outside the database: `<chain>:<seq>:<hash>`."""

    chain: int
    seq: int
    hash: str

    def token(self) -> str:
        return f"{self.chain}:{self.seq}:{self.hash}"

    @classmethod
    def parse(cls, token: str) -> SealedHead:
        """`<chain>:<seq>:<hash>`; ValueError if it is not one."""
        parts = token.strip().split(":")
        if len(parts) != 3 or len(parts[2]) != 64 or any(c not in "0123456789abcdef" for c in parts[2]):
            raise ValueError(f"not a sealed head (chain:seq:hash): {token!r}")
        chain, seq = int(parts[0]), int(parts[1])
        if chain < 0 or seq < 0:
            raise ValueError(f"not a sealed head (chain:seq:hash): {token!r}")
        return cls(chain, seq, parts[2])


def _check_sealed(sealed: SealedHead) -> VerifyResult | None:
    if sealed.seq == 0:
        return None
    found = db.session.scalar(
        select(AuditEntry.hash).where(AuditEntry.chain == sealed.chain, AuditEntry.seq == sealed.seq)
    )
    if found is None:
        return VerifyResult(
            False, 0, sealed.seq, "the sealed entry is gone: the chain was cut", sealed.chain, code="cut"
        )
    if not hmac.compare_digest(found, sealed.hash):
        return VerifyResult(
            False,
            0,
            sealed.seq,
            "differs from the sealed head: the chain was rewritten",
            sealed.chain,
            code="rewritten",
        )
    return None


def verify_chain(batch: int = 1000, *, chains: list[int] | None = None, against: list[SealedHead] = ()) -> VerifyResult:
    """Walk every chain (or the given ones) in order; report the first altered, inserted or
    removed entry, and any sealed head the chain no longer contains."""
    key = _key()
    total = 0
    for chain in chains if chains is not None else _chains():
        checked, failure = _verify_one(chain, key, batch)
        if failure is not None:
            return VerifyResult(False, total + checked, failure.bad_seq, failure.reason, chain, code=failure.code)
        total += checked
    for sealed in against:
        failure = _check_sealed(sealed)
        if failure is not None:
            return VerifyResult(False, total, failure.bad_seq, failure.reason, failure.chain, code=failure.code)
    return VerifyResult(True, total)


def heads(chains: list[int] | None = None) -> list[SealedHead]:
    """The current head of every chain (or of the given ones; a chain without entries is 0:GENESIS)."""
    query = select(AuditHead).order_by(AuditHead.id)
    if chains is not None:
        query = query.where(AuditHead.id.in_(chains))
    found = {h.id: SealedHead(h.id, h.seq, h.hash) for h in db.session.scalars(query)}
    if chains is not None:
        return [found.get(c, SealedHead(c, 0, GENESIS)) for c in chains]
    return list(found.values())


def record_protocol_export(competition, actor: Actor, fmt: str, sha256: str) -> AuditEntry:
    """Log that the procurement protocol was exported, with the SHA-256 of the file handed out,
    so a printed or forwarded protocol can later be matched to its export (R41, R42)."""
    return record(
        actor, "protocol.exported", competition, competition=competition, after={"format": fmt, "sha256": sha256}
    )
