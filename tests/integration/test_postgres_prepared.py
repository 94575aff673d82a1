"""On PostgreSQL a transaction that only read ends with COMMIT, so psycopg keeps the statements it
prepared (it forgets them all on ROLLBACK); a transaction that wrote, locked or failed is still
rolled back (compete.core.db.configure_postgresql)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, insert, select, text

from compete.api.models import ApiRateCounter
from compete.extensions import db

BUCKET = "prepared-statements-test"


@pytest.fixture
def engine(_app):
    with _app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("psycopg's prepared statements: PostgreSQL only")
        yield db.engine
        with db.engine.begin() as conn:
            conn.execute(delete(ApiRateCounter).where(ApiRateCounter.bucket.like(BUCKET + "%")))


def _prepared(conn, fragment: str) -> int:
    return conn.scalar(
        text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE :pattern"),
        {"pattern": f"%{fragment}%"},
    )


def _stored(engine, bucket: str) -> int:
    with engine.connect() as other:
        return other.scalar(select(func.count()).where(ApiRateCounter.bucket == bucket))


def test_a_page_s_statements_stay_prepared_across_read_only_requests(engine):
    # A label of its own, so that no statement another test ran on this pooled connection matches.
    query = select(ApiRateCounter.hits.label("hits_seen_by_the_prepared_test")).where(ApiRateCounter.bucket == "nobody")
    with engine.connect() as conn:
        for _ in range(8):  # a request each: read, then the session closes with a rollback
            assert conn.execute(query).all() == []
            conn.rollback()
        assert _prepared(conn, "hits_seen_by_the_prepared_test") == 1


def test_a_transaction_that_wrote_is_rolled_back(engine):
    with engine.connect() as conn:
        conn.execute(select(ApiRateCounter.id).limit(1)).all()
        conn.execute(insert(ApiRateCounter).values(bucket=BUCKET, period=1, hits=1))
        conn.rollback()
        assert _stored(engine, BUCKET) == 0


def test_a_reading_query_around_a_write_is_rolled_back(engine):
    with engine.connect() as conn:
        conn.execute(
            text(
                "WITH added AS (INSERT INTO api_rate_counters (bucket, period, hits) VALUES (:b, 1, 1) RETURNING id) "
                "SELECT id FROM added"
            ),
            {"b": BUCKET + "-cte"},
        ).all()
        conn.rollback()
        assert _stored(engine, BUCKET + "-cte") == 0


def test_a_transaction_in_error_is_rolled_back_and_the_connection_goes_on(engine):
    with engine.connect() as conn:
        with pytest.raises(Exception, match="division by zero"):
            conn.execute(text("SELECT 1 / 0")).all()
        conn.rollback()
        assert conn.scalar(text("SELECT 2")) == 2
        conn.rollback()


def test_a_write_after_a_committed_read_is_still_undone_by_its_rollback(engine):
    """The commit of a read-only transaction ends it; the next transaction on the connection is a
    new one and is judged on its own statements."""
    with engine.connect() as conn:
        conn.execute(select(ApiRateCounter.id).limit(1)).all()
        conn.rollback()  # ended with COMMIT
        conn.execute(insert(ApiRateCounter).values(bucket=BUCKET + "-next", period=1, hits=1))
        conn.rollback()
        assert _stored(engine, BUCKET + "-next") == 0
