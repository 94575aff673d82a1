"""The keyed hash chains of the audit trail (R41): append, verify, and detect tampering."""

import json
from datetime import UTC, datetime

from sqlalchemy import func, select

from compete.audit.models import AuditEntry, AuditHead
from compete.audit.services import GENESIS, Actor, SealedHead, entry_hash, heads, record, verify_chain
from compete.extensions import db
from tests.audit_tampering import tamper
from tests.factories import make_competition, make_officer


def _three_entries():
    officer = make_officer()
    buyer = officer.memberships[0].organisation
    competition = make_competition(buyer)
    actor = Actor(officer, buyer, "officer")
    first = record(actor, "competition.created", competition, competition=competition, after={"title": "A"})
    second = record(
        actor,
        "competition.edited",
        competition,
        competition=competition,
        before={"title": "A"},
        after={"title": "Ærlig tittel"},
    )
    third = record(Actor.system(), "stage.formal_check", ("Stage", 7), competition=competition)
    return officer, buyer, competition, [first, second, third]


def test_entries_are_chained_in_order(app, clock):
    clock.set(datetime(2026, 3, 15, 11, 0, tzinfo=UTC))
    officer, buyer, competition, (first, second, third) = _three_entries()

    assert [(e.chain, e.seq) for e in (first, second, third)] == [
        (competition.id, 1),
        (competition.id, 2),
        (competition.id, 3),
    ]
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert first.hash == entry_hash(first)
    assert (second.actor_id, second.actor_email, second.organisation_id, second.role) == (
        officer.id,
        officer.email,
        buyer.id,
        "officer",
    )
    assert (second.target_type, second.target_id, second.competition_id) == (
        "Competition",
        str(competition.id),
        competition.id,
    )
    assert second.before == {"title": "A"}
    assert second.after == {"title": "Ærlig tittel"}
    assert second.at == datetime(2026, 3, 15, 11, 0, tzinfo=UTC)
    assert (third.target_type, third.target_id, third.role, third.actor_id) == ("Stage", "7", "system", None)


def test_each_competition_has_its_own_chain_and_the_rest_goes_to_the_platform_chain(app):
    officer = make_officer()
    buyer = officer.memberships[0].organisation
    one, two = make_competition(buyer), make_competition(buyer)
    actor = Actor(officer, buyer, "officer")

    a = record(actor, "x", one, competition=one)
    b = record(actor, "x", two, competition=two)
    c = record(actor, "x", one, competition=one)
    d = record(actor, "account.created", officer)

    assert [(e.chain, e.seq, e.prev_hash) for e in (a, b, c, d)] == [
        (one.id, 1, GENESIS),
        (two.id, 1, GENESIS),
        (one.id, 2, a.hash),
        (0, 1, GENESIS),
    ]
    assert heads() == [SealedHead(0, 1, d.hash), SealedHead(one.id, 2, c.hash), SealedHead(two.id, 1, b.hash)]
    assert (verify_chain().ok, verify_chain().checked) == (True, 4)


def test_the_hash_is_keyed(app):
    _, _, _, (first, _, _) = _three_entries()
    assert entry_hash(first, b"another key") != first.hash
    assert entry_hash(first, app.config["AUDIT_KEY"].encode()) == first.hash


def test_intact_chain_verifies(app):
    _three_entries()
    result = verify_chain()
    assert (result.ok, result.checked, result.bad_seq) == (True, 3, None)


def test_altered_entry_is_found(app):
    _, _, competition, _ = _three_entries()
    tamper("UPDATE audit_entries SET after = :after WHERE seq = 2", after='{"title": "B"}')

    result = verify_chain()

    assert (result.ok, result.chain, result.bad_seq, result.reason) == (False, competition.id, 2, "content was altered")
    assert result.checked == 1


def test_removed_entry_in_the_middle_is_found(app):
    _three_entries()
    tamper("DELETE FROM audit_entries WHERE seq = 2")

    result = verify_chain()

    assert (result.ok, result.bad_seq, result.reason) == (False, 2, "entry 2 is missing")


def test_removed_last_entry_is_found(app):
    _three_entries()
    tamper("DELETE FROM audit_entries WHERE seq = 3")

    result = verify_chain()

    assert (result.ok, result.bad_seq, result.reason) == (False, 3, "entries after 2 were removed")


def test_rehashed_forgery_breaks_the_link_to_the_next_entry(app):
    _three_entries()
    forged = db.session.scalars(select(AuditEntry).where(AuditEntry.seq == 2)).one()
    forged_hash = entry_hash(AuditEntry(**{**_columns(forged), "after": {"title": "Forged"}}))
    tamper(
        "UPDATE audit_entries SET after = :after, hash = :hash WHERE seq = 2",
        after='{"title": "Forged"}',
        hash=forged_hash,
    )

    result = verify_chain()

    assert (result.ok, result.bad_seq, result.reason) == (False, 3, "does not follow the previous entry")


def _columns(entry: AuditEntry) -> dict:
    return {c.key: getattr(entry, c.key) for c in AuditEntry.__table__.columns if c.key not in ("id", "hash")}


def test_a_chain_recomputed_without_the_key_fails(app):
    """The attacker alters entry 2 and recomputes every later hash and the head, but without
    AUDIT_KEY (plain SHA-256 or a guessed key): verify still finds the first altered entry."""
    _, _, competition, entries = _three_entries()
    rows = [_columns(e) for e in entries]
    rows[1]["after"] = {"title": "Forged"}
    prev = rows[0]["prev_hash"]
    forged = []
    for row in rows:
        row["prev_hash"] = prev
        prev = entry_hash(AuditEntry(**row), b"guessed key")
        forged.append(prev)
    db.session.flush()
    for seq, (row, digest) in enumerate(zip(rows, forged, strict=True), start=1):
        tamper(
            "UPDATE audit_entries SET after = :after, prev_hash = :prev, hash = :hash"
            " WHERE chain = :chain AND seq = :seq",
            after=None if row["after"] is None else json.dumps(row["after"]),
            prev=row["prev_hash"],
            hash=digest,
            chain=competition.id,
            seq=seq,
        )
    tamper("UPDATE audit_head SET hash = :hash WHERE id = :chain", hash=forged[-1], chain=competition.id)

    result = verify_chain()

    assert (result.ok, result.bad_seq, result.reason, result.checked) == (False, 1, "content was altered", 0)


def test_the_same_recomputation_with_the_key_passes_so_the_key_is_what_protects(app):
    """Control for the test above: with the real key the forged chain verifies (the seal is then
    what catches it, tests/unit/audit/test_seals.py)."""
    _, _, competition, entries = _three_entries()
    rows = [_columns(e) for e in entries]
    rows[1]["after"] = {"title": "Forged"}
    prev, forged = rows[0]["prev_hash"], []
    for row in rows:
        row["prev_hash"] = prev
        prev = entry_hash(AuditEntry(**row))
        forged.append(prev)
    for seq, (row, digest) in enumerate(zip(rows, forged, strict=True), start=1):
        tamper(
            "UPDATE audit_entries SET after = :after, prev_hash = :prev, hash = :hash"
            " WHERE chain = :chain AND seq = :seq",
            after=None if row["after"] is None else json.dumps(row["after"]),
            prev=row["prev_hash"],
            hash=digest,
            chain=competition.id,
            seq=seq,
        )
    tamper("UPDATE audit_head SET hash = :hash WHERE id = :chain", hash=forged[-1], chain=competition.id)

    assert verify_chain().ok is True


def test_entries_are_never_more_than_one_per_sequence_number(app):
    _, _, competition, _ = _three_entries()
    assert (
        db.session.scalar(select(func.count(func.distinct(AuditEntry.seq))).where(AuditEntry.chain == competition.id))
        == 3
    )
    assert db.session.get(AuditHead, competition.id).seq == 3
