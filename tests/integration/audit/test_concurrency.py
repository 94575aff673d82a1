"""Audited actions do not fail when several writers append at once (issue 11): on PostgreSQL each
chain's head row is locked (SELECT … FOR UPDATE) so appends to one chain serialise, and each
competition has its own chain so different competitions do not wait for each other."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from compete.audit.models import AuditEntry, AuditHead
from compete.audit.services import verify_chain
from compete.extensions import db
from tests.factories import make_competition, make_officer, make_org

THREADS = 8
REQUESTS_PER_THREAD = 3


def test_concurrent_protocol_exports_in_two_competitions_give_valid_chains(live_app):
    app = live_app
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite serialises writers with BEGIN IMMEDIATE (feat/rt-concurrency); this runs on PostgreSQL")
        buyer = make_org(buyer=True)
        officer = make_officer(buyer)
        competitions = [make_competition(buyer), make_competition(buyer)]
        db.session.commit()
        officer_id, buyer_id = officer.get_id(), buyer.id
        slugs = [c.slug for c in competitions]
        ids = [c.id for c in competitions]
        db.session.remove()

    statuses: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker(n: int) -> None:
        try:
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"], session["org_id"] = officer_id, True, buyer_id
            start.wait()
            for i in range(REQUESTS_PER_THREAD):
                slug = slugs[(n + i) % 2]
                statuses.append(client.get(f"/manage/competitions/{slug}/protocol.json").status_code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert errors == []
    assert statuses == [200] * (THREADS * REQUESTS_PER_THREAD)
    with app.app_context():
        exports = Counter(
            db.session.scalars(select(AuditEntry.chain).where(AuditEntry.action == "protocol.exported")).all()
        )
        assert exports == {ids[0]: THREADS * REQUESTS_PER_THREAD // 2, ids[1]: THREADS * REQUESTS_PER_THREAD // 2}
        for chain in ids:
            seqs = db.session.scalars(select(AuditEntry.seq).where(AuditEntry.chain == chain).order_by(AuditEntry.seq))
            assert list(seqs) == list(range(1, db.session.get(AuditHead, chain).seq + 1))
        result = verify_chain()
        assert (result.ok, result.checked) == (True, db.session.scalar(select(func.count(AuditEntry.id))))
        db.session.remove()
