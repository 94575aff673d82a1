"""audit: one keyed (HMAC) chain per competition, append-only triggers

Revision ID: 5a1e0c7d9b21
Revises: 5e2f8a1c9d07
Create Date: 2026-12-02 13:40:00

Existing entries (one global SHA-256 chain) are first verified as they are, then re-chained per
competition under the HMAC key AUDIT_KEY of the app running the migration; the migration refuses
to run if the old chain is already broken. After this, triggers refuse UPDATE, DELETE (and
TRUNCATE on PostgreSQL) of audit entries, and a chain head may only move forward to an existing
entry of its own chain. There is no deletion path in normal operation: removing entries (e.g. after
the retention period, R43) needs the database owner to drop the triggers, which the sealed heads
then show.
"""

import hashlib
import hmac
import json
from datetime import UTC

import sqlalchemy as sa
from alembic import op
from flask import current_app

import compete.core.models

revision = "5a1e0c7d9b21"
down_revision = '5e2f8a1c9d07'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
FIELDS = (
    "seq", "at", "actor_id", "actor_email", "organisation_id", "role", "action", "target_type",
    "target_id", "competition_id", "before", "after", "prev_hash",
)  # fmt: skip

SQLITE_TRIGGERS = [
    """CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
    BEGIN SELECT RAISE(ABORT, 'audit trail is append-only: UPDATE of audit_entries refused'); END""",
    """CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
    BEGIN SELECT RAISE(ABORT, 'audit trail is append-only: DELETE of audit_entries refused'); END""",
    """CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
    BEGIN SELECT RAISE(ABORT, 'audit trail is append-only: DELETE of audit_head refused'); END""",
    """CREATE TRIGGER audit_head_new_chain BEFORE INSERT ON audit_head WHEN NEW.seq > 1
    BEGIN SELECT RAISE(ABORT, 'audit trail is append-only: a new chain starts at its first entry'); END""",
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
    WHEN NEW.id <> OLD.id OR NEW.seq <= OLD.seq OR NOT EXISTS (
        SELECT 1 FROM audit_entries WHERE chain = NEW.id AND seq = NEW.seq AND hash = NEW.hash)
    BEGIN SELECT RAISE(ABORT, 'audit trail is append-only: the head only moves forward to an entry'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_entries_no_update",
    "DROP TRIGGER IF EXISTS audit_entries_no_delete",
    "DROP TRIGGER IF EXISTS audit_head_no_delete",
    "DROP TRIGGER IF EXISTS audit_head_new_chain",
    "DROP TRIGGER IF EXISTS audit_head_forward_only",
]
PG_TRIGGERS = [
    """CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit trail is append-only: % of % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END $$""",
    """CREATE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' AND NEW.seq > 1 THEN
            RAISE EXCEPTION 'audit trail is append-only: a new chain starts at its first entry'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF TG_OP = 'UPDATE' AND (NEW.id <> OLD.id OR NEW.seq <= OLD.seq OR NOT EXISTS (
                SELECT 1 FROM audit_entries WHERE chain = NEW.id AND seq = NEW.seq AND hash = NEW.hash)) THEN
            RAISE EXCEPTION 'audit trail is append-only: the head only moves forward to an entry'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_refuse()""",
    """CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse()""",
    """CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_refuse()""",
    """CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse()""",
    """CREATE TRIGGER audit_head_forward_only BEFORE INSERT OR UPDATE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_head_guard()""",
]
PG_DROP = [
    "DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries",
    "DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries",
    "DROP TRIGGER IF EXISTS audit_head_no_delete ON audit_head",
    "DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_head",
    "DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_head",
    "DROP FUNCTION IF EXISTS audit_head_guard()",
    "DROP FUNCTION IF EXISTS audit_refuse()",
]

entries = sa.table(
    "audit_entries",
    sa.column("id", sa.Integer),
    sa.column("chain", sa.Integer),
    sa.column("seq", sa.Integer),
    sa.column("at", compete.core.models.UTCDateTime()),
    sa.column("actor_id", sa.Integer),
    sa.column("actor_email", sa.String),
    sa.column("organisation_id", sa.Integer),
    sa.column("role", sa.String),
    sa.column("action", sa.String),
    sa.column("target_type", sa.String),
    sa.column("target_id", sa.String),
    sa.column("competition_id", sa.Integer),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)


def _canonical(row: dict) -> bytes:
    payload = dict(row)
    payload["at"] = row["at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _rechain(conn) -> None:
    """Verify the old global SHA-256 chain, then re-chain it per competition under the key."""
    rows = [dict(r._mapping) for r in conn.execute(sa.select(entries).order_by(entries.c.seq))]
    if not rows:
        return
    prev = GENESIS
    for expected, row in enumerate(rows, start=1):
        old = {f: row[f] for f in FIELDS}
        if row["seq"] != expected or row["prev_hash"] != prev or hashlib.sha256(_canonical(old)).hexdigest() != row["hash"]:
            raise RuntimeError(f"the audit trail is broken at entry {expected}; fix it before upgrading")
        prev = row["hash"]
    key = current_app.config["AUDIT_KEY"].encode()
    tails: dict[int, tuple[int, str]] = {}
    for row in rows:
        chain = row["competition_id"] or 0
        seq, prev = tails.get(chain, (0, GENESIS))
        new = {f: row[f] for f in FIELDS} | {"chain": chain, "seq": seq + 1, "prev_hash": prev}
        digest = hmac.new(key, _canonical(new), hashlib.sha256).hexdigest()
        conn.execute(
            entries.update()
            .where(entries.c.id == row["id"])
            .values(chain=chain, seq=seq + 1, prev_hash=prev, hash=digest)
        )
        tails[chain] = (seq + 1, digest)
    conn.execute(sa.text("DELETE FROM audit_head"))
    for chain, (seq, digest) in tails.items():
        conn.execute(
            sa.text("INSERT INTO audit_head (id, seq, hash) VALUES (:id, :seq, :hash)"),
            {"id": chain, "seq": seq, "hash": digest},
        )


def upgrade():
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain", sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f("uq_audit_entries_seq"), type_="unique")
    conn = op.get_bind()
    _rechain(conn)
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.alter_column("chain", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_entries_chain_seq"), ["chain", "seq"])
    for statement in PG_TRIGGERS if conn.dialect.name == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade():
    conn = op.get_bind()
    for statement in PG_DROP if conn.dialect.name == "postgresql" else SQLITE_DROP:
        op.execute(statement)
    # The entries keep their HMAC hashes: the old SHA-256 `verify` will report them altered.
    op.execute("UPDATE audit_entries SET seq = id")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_entries_chain_seq"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_audit_entries_seq"), ["seq"])
        batch_op.drop_column("chain")
