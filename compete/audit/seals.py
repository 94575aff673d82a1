"""Publishing the chains' heads outside the database (R41).

A seal records each chain's head (sequence number and hash) where whoever can write the database
cannot reach it: an append-only object in storage (`audit-seals/…json`, never overwritten), an
e-mail to the competition's officers, and the protocol PDF. `flask audit verify --against` takes a
sealed head back and fails if the chain no longer holds that entry with that hash.
"""

from __future__ import annotations

import io
import json
import secrets
from datetime import timedelta

from sqlalchemy import select

from compete.audit.models import PLATFORM_CHAIN, AuditEntry
from compete.audit.protocol import iso
from compete.audit.services import SealedHead, chain_of, heads
from compete.core.time import now
from compete.extensions import db

SEAL_PREFIX = "audit-seals"


class SealExists(RuntimeError):
    """A seal object with this key exists already; seals are never overwritten."""


def seal_document(sealed: list[SealedHead], reason: str) -> dict:
    return {
        "sealed_at": iso(now()),
        "reason": reason,
        "heads": [{"chain": h.chain, "seq": h.seq, "hash": h.hash, "token": h.token()} for h in sealed],
    }


def write_seal(sealed: list[SealedHead], reason: str) -> str:
    """Store the seal as a new object (never overwriting one); returns its storage key."""
    from compete.storage.backends import get_storage

    storage = get_storage()
    document = seal_document(sealed, reason)
    key = f"{SEAL_PREFIX}/{now().strftime('%Y%m%dT%H%M%SZ')}-{reason}-{secrets.token_hex(4)}.json"
    if storage.exists(key):
        raise SealExists(key)
    body = json.dumps(document, ensure_ascii=False, indent=2).encode()
    storage.save(key, io.BytesIO(body), "application/json")
    return key


def read_seal(text: str) -> list[SealedHead]:
    """Sealed heads from a seal document (JSON) or from `chain:seq:hash` tokens (one a line)."""
    text = text.strip()
    if text.startswith("{"):
        document = json.loads(text)
        return [SealedHead.parse(h["token"]) for h in document.get("heads", [])]
    return [SealedHead.parse(line) for line in text.splitlines() if line.strip()]


def mail_seal(competition, head: SealedHead, reason: str) -> int:
    """Queue the competition chain's head to each of its officers (sent after commit)."""
    from compete.competitions.queries import officers_of
    from compete.notifications.services import queue_email

    officers = officers_of(competition)
    for officer in officers:
        queue_email(
            "audit/seal",
            to=officer.email,
            language=officer.language,
            recipient=officer,
            competition=competition,
            head=head,
            reason=reason,
        )
    return len(officers)


def seal_competition(competition, reason: str = "protocol") -> SealedHead:
    """Seal one competition's chain: storage object and e-mail to its officers. Flushes only."""
    (head,) = heads([chain_of(competition)])
    write_seal([head], reason)
    mail_seal(competition, head, reason)
    return head


def daily_seal(since: timedelta = timedelta(days=1)) -> tuple[str, list[SealedHead], int]:
    """Seal every chain in one storage object, and mail the officers of each competition whose
    chain grew within `since`. Returns (storage key, heads, e-mails queued). Flushes only."""
    from compete.competitions.models import Competition

    sealed = heads()
    key = write_seal(sealed, "daily")
    moved = set(db.session.scalars(select(AuditEntry.chain).where(AuditEntry.at >= now() - since).distinct()).all()) - {
        PLATFORM_CHAIN
    }
    mailed = 0
    by_chain = {h.chain: h for h in sealed}
    if moved:
        for competition in db.session.scalars(select(Competition).where(Competition.id.in_(moved))):
            mailed += mail_seal(competition, by_chain[competition.id], "daily")
    return key, sealed, mailed
