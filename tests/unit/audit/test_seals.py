"""The audit trail cannot be rewritten (R41): triggers refuse UPDATE/DELETE, and the heads are
sealed in storage, by e-mail and in the protocol PDF so that a rewrite with the key is found."""

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from compete.audit.models import AuditEntry, AuditHead
from compete.audit.seals import daily_seal, read_seal, seal_competition
from compete.audit.services import Actor, SealedHead, entry_hash, heads, record, verify_chain
from compete.extensions import db
from compete.notifications.models import OutboxMessage
from compete.storage.backends import get_storage
from tests.audit_tampering import tamper
from tests.factories import make_competition, make_officer, make_org


def _chain(n=3):
    buyer = make_org(buyer=True)
    officer = make_officer(buyer)
    competition = make_competition(buyer)
    actor = Actor(officer, buyer, "officer")
    entries = [record(actor, f"test.step{i}", competition, competition=competition, after={"i": i}) for i in range(n)]
    return officer, competition, entries


def _refused(sql: str, **params) -> str:
    with pytest.raises(DatabaseError) as caught, db.session.begin_nested():
        db.session.execute(text(sql), params)
    return str(caught.value.orig)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_entries SET action = 'x' WHERE seq = 2",
        "UPDATE audit_entries SET hash = hash WHERE seq = 1",
        "DELETE FROM audit_entries WHERE seq = 3",
        "DELETE FROM audit_entries",
        "DELETE FROM audit_head",
    ],
)
def test_the_database_refuses_to_change_or_remove_audit_rows(app, sql):
    _chain()
    assert "audit trail is append-only" in _refused(sql)
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count(AuditEntry.id))) == 3
    assert verify_chain().ok is True


def test_a_head_only_moves_forward_to_an_entry_of_its_chain(app):
    _, competition, entries = _chain()
    back = "UPDATE audit_head SET seq = 2, hash = :h WHERE id = :c"
    assert "append-only" in _refused(back, h=entries[1].hash, c=competition.id)
    nowhere = "UPDATE audit_head SET seq = 4, hash = :h WHERE id = :c"
    assert "append-only" in _refused(nowhere, h="f" * 64, c=competition.id)
    assert "append-only" in _refused("INSERT INTO audit_head (id, seq, hash) VALUES (999999, 5, :h)", h="e" * 64)


def test_postgresql_refuses_truncate(app):
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    _chain()
    assert "append-only" in _refused("TRUNCATE audit_entries")


def test_a_chain_rewritten_with_the_key_passes_verify_but_not_the_seal(app):
    """Whoever holds the key and the database recomputes the chain from entry 2 on: only the
    sealed head shows it."""
    _, competition, entries = _chain()
    (sealed,) = heads([competition.id])
    rows = [
        {c.key: getattr(e, c.key) for c in AuditEntry.__table__.columns if c.key not in ("id", "hash")} for e in entries
    ]
    rows[1]["after"] = {"i": 99}
    prev = rows[1]["prev_hash"]
    for row in rows[1:]:
        row["prev_hash"] = prev
        prev = entry_hash(AuditEntry(**row))
        tamper(
            "UPDATE audit_entries SET after = :a, prev_hash = :p, hash = :h WHERE chain = :c AND seq = :s",
            a=json.dumps(row["after"]),
            p=row["prev_hash"],
            h=prev,
            c=competition.id,
            s=row["seq"],
        )
    tamper("UPDATE audit_head SET hash = :h WHERE id = :c", h=prev, c=competition.id)

    assert verify_chain().ok is True
    result = verify_chain(against=[sealed])
    assert (result.ok, result.chain, result.bad_seq, result.reason) == (
        False,
        competition.id,
        3,
        "differs from the sealed head: the chain was rewritten",
    )


def test_an_older_seal_still_holds_after_more_entries(app):
    officer, competition, _ = _chain()
    (sealed,) = heads([competition.id])
    record(Actor(officer, None, "officer"), "later", competition, competition=competition)
    assert verify_chain(against=[sealed]).ok is True


def test_daily_seal_writes_a_new_storage_object_and_mails_the_officers_of_moved_chains(app):
    officer, competition, entries = _chain()

    key, sealed, mailed = daily_seal()

    assert sealed == [SealedHead(competition.id, 3, entries[-1].hash)]
    assert key.startswith("audit-seals/") and key.endswith(".json")
    document = json.loads(get_storage().read(key))
    assert document["reason"] == "daily"
    assert document["heads"] == [
        {"chain": competition.id, "seq": 3, "hash": entries[-1].hash, "token": f"{competition.id}:3:{entries[-1].hash}"}
    ]
    assert read_seal(get_storage().read(key).decode()) == sealed
    assert mailed == 1
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "audit/seal")).one()
    assert message.recipient_email == officer.email
    assert f"{competition.id}:3:{entries[-1].hash}" in message.body_text
    assert "Revisjonsloggen" in message.subject or competition.title in message.subject
    # a second seal is a new object: seals are never overwritten
    assert daily_seal()[0] != key


def test_seal_competition_seals_that_chain_only(app):
    _, competition, entries = _chain()
    _chain()
    head = seal_competition(competition)
    assert head == SealedHead(competition.id, 3, entries[-1].hash)
    assert db.session.get(AuditHead, competition.id).seq == 3


def test_the_workers_daily_seal_is_made_once_a_day_whatever_the_restarts(app, clock):
    """Each worker runs every job when it starts; two workers (two machines) or a restart must not
    seal the day twice nor mail the officers twice."""
    from datetime import UTC, datetime

    from compete.audit.jobs import seal
    from compete.audit.models import DailySeal
    from compete.core.jobs import Worker, registered_jobs

    clock.set(datetime(2026, 12, 2, 22, 0, tzinfo=UTC))
    _chain()
    clock.set(datetime(2026, 12, 2, 22, 30, tzinfo=UTC))  # 23:30 in Oslo
    jobs = {"audit.seal": registered_jobs()["audit.seal"]}
    for _restart in range(3):
        Worker(jobs=jobs, poll_seconds=0).tick()  # each start runs the job at once

    def made():
        rows = db.session.scalars(select(DailySeal).order_by(DailySeal.day)).all()
        mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "audit/seal")).all()
        return [(row.day.isoformat(), get_storage().exists(row.storage_key)) for row in rows], len(mails)

    assert made() == ([("2026-12-02", True)], 1)

    clock.set(datetime(2026, 12, 2, 23, 30, tzinfo=UTC))  # 00:30 in Oslo: a new day
    assert seal() == 1
    assert seal() == 0
    db.session.commit()
    # Nothing moved since the last seal: the new day is sealed, nobody is mailed again.
    assert made() == ([("2026-12-02", True), ("2026-12-03", True)], 1)


def test_a_day_claimed_by_another_worker_meanwhile_is_left_to_it(app, clock, monkeypatch):
    """Between this worker's look and its insert another one claimed the day (PostgreSQL lets both
    look): the unique day refuses the second claim, and nothing is sealed or mailed twice."""
    from datetime import UTC, date, datetime

    from compete.audit import jobs
    from compete.audit.models import DailySeal

    moment = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    clock.set(moment)
    _chain()
    db.session.add(DailySeal(day=date(2026, 12, 3), sealed_at=moment, storage_key="audit-seals/other.json"))
    db.session.flush()
    real_scalar = db.session.scalar
    looks = iter([None])  # the first look does not see the other worker's row yet

    def scalar(statement, *args, **kwargs):
        if "audit_daily_seals.id" in str(statement):
            return next(looks, real_scalar(statement, *args, **kwargs))
        return real_scalar(statement, *args, **kwargs)

    monkeypatch.setattr(db.session, "scalar", scalar)
    assert jobs.seal() == 0
    monkeypatch.undo()
    assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "audit/seal")).all() == []
    assert [row.storage_key for row in db.session.scalars(select(DailySeal))] == ["audit-seals/other.json"]
