"""Which statements count as only reading (compete.core.db.only_reads): a PostgreSQL transaction
of such statements alone is ended with COMMIT, which keeps psycopg's prepared statements."""

import pytest

from compete.core.db import only_reads


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT users.id, users.updated_at FROM users WHERE users.id = %(id_1)s::INTEGER",
        "  select 1",
        "WITH counted AS MATERIALIZED (SELECT scorecards.seat_id FROM scorecards) SELECT * FROM counted",
        "SELECT EXISTS (SELECT notices.id FROM notices) AS anon_1, deleted_at FROM x",
    ],
)
def test_queries_only_read(statement):
    assert only_reads(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO audit_entries (chain) VALUES (%(chain)s)",
        "UPDATE audit_head SET seq=%(seq)s::INTEGER",
        "DELETE FROM api_rate_counters WHERE period < 3",
        "WITH moved AS (DELETE FROM outbox RETURNING id) SELECT id FROM moved",
        "WITH added AS (INSERT INTO t (a) VALUES (1) RETURNING id) SELECT id FROM added",
        "SELECT audit_head.id FROM audit_head WHERE audit_head.id = 1 FOR UPDATE",
        "SELECT * INTO copy_of_users FROM users",
        "SAVEPOINT sa_savepoint_1",
        "SET LOCAL statement_timeout = 1000",
        "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE",
        "SELECT my_procedure(); CALL other()",
    ],
)
def test_anything_else_counts_as_writing(statement):
    assert not only_reads(statement)
