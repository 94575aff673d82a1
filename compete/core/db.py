"""How transactions take their locks, so that no request fails because another one is writing.

SQLite (one writer at a time): WAL mode lets readers go on while one connection writes, a busy
timeout makes a writer wait for the lock instead of failing, and a transaction that will write
takes the write lock when it begins (`BEGIN IMMEDIATE`). A deferred transaction that has read and
then tries to write cannot wait: SQLite refuses it at once when another connection wrote in
between. So every transaction of an unsafe request (POST, PUT, PATCH, DELETE) begins IMMEDIATE; a
GET that writes is learned the first time it writes, and a GET that lost the race is run once more
with the write lock taken up front. A GET that only appends after reading (a juror's entry page
records the view, R41) says so with `write_after_reading()` and holds the lock for the append only.
An unsafe request whose view does slow work before it writes (checking and storing an uploaded
file) is marked `@reads_first`: it reads in deferred transactions and takes the lock with
`write_lock()` for its writes only.

Outside a request (CLI, worker) transactions are deferred unless the code asks for the lock with
`write_lock()`; the worker does that for each claim and each job, and holds no transaction while
it waits.

PostgreSQL takes row locks where two writers meet (see `lock_row`); a transaction that only read
is ended with COMMIT so that psycopg keeps its prepared statements (see `configure_postgresql`).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app, g, has_request_context, request
from sqlalchemy import event, select
from sqlalchemy.exc import DBAPIError, OperationalError

from compete.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_WRITE_STATEMENTS = ("INSERT", "UPDATE", "DELETE", "REPLACE")

# Endpoints reached with a safe method that were seen writing: their transactions begin IMMEDIATE.
writing_endpoints: set[str] = set()
_write_lock: ContextVar[bool] = ContextVar("compete_write_lock", default=False)


@contextmanager
def write_lock() -> Iterator[None]:
    """Transactions begun inside this block take SQLite's write lock up front (no-op on PostgreSQL)."""
    token = _write_lock.set(True)
    try:
        yield
    finally:
        _write_lock.reset(token)


@contextmanager
def write_after_reading() -> Iterator[None]:
    """For a GET whose one write is an append after it has read and rendered (a juror's view of an
    entry is recorded, R41): end the read transaction without expiring what was read, then write in
    a transaction of its own that takes the write lock up front and is committed when the block
    ends. The reads and the rendering never hold SQLite's write lock, so two such requests overlap
    except for the append (with the lock taken at the first statement, they ran one after the other).

    PostgreSQL has no database-wide write lock to keep short (the append locks its chain's head row
    only): there the append joins the read transaction, which saves a commit, a pool checkout with
    its ping and a BEGIN, three round trips. Either way nothing read is expired: the rest of the
    request (its log line, the response) does not load it again."""
    session = db.session()
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        if session.get_bind().dialect.name != "sqlite":
            yield
            session.commit()
            return
        session.commit()
        with write_lock():
            yield
            session.commit()
    finally:
        session.expire_on_commit = expire


def end_reading() -> None:
    """End a `@reads_first` request's read transaction before its slow work, keeping what it loaded
    so that the slow work sends no statement and opens no transaction. Before the writes, expire
    what was read (`db.session.expire_all()`) so that the write transaction reads again, under its
    lock, whatever it checks."""
    session = db.session()
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def reads_first(view):
    """Mark a view whose unsafe requests read, then do slow work, then write (a draft saved with a
    5 MB file: checking, scrubbing and storing the file takes 40 ms). Their transactions begin
    deferred, like a GET's, so the reads and the slow work hold no write lock; the view ends the
    read transaction and does its writes inside `write_lock()`, in a transaction that takes
    SQLite's write lock up front and reads again whatever it checks. A statement that writes
    before that is a mistake in the view: `reads_first_wrote` says so."""
    view.reads_first = True
    return view


def _reads_first() -> bool:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "reads_first", False)


@contextmanager
def write_after_checking() -> Iterator[None]:
    """The writes of a `@reads_first` request that has read what it needs and has no slow work to
    do in between (a juror re-saving a scorecard). On SQLite: end the read transaction, expiring
    what it read, and run the block in a transaction that takes the write lock up front and reads
    again what it checks; two workers then overlap except for the write itself. PostgreSQL has no
    database-wide lock to keep short: the block goes on in the read transaction, and the row locks
    the writes take (`lock_row`) read again what two writers meet on."""
    if db.session.get_bind().dialect.name != "sqlite":
        yield
        return
    db.session.commit()
    with write_lock():
        yield


def wants_write_lock() -> bool:
    if _write_lock.get():
        return True
    if not has_request_context():
        return False
    if request.method in SAFE_METHODS:
        return g.get("_db_writes", False) or request.endpoint in writing_endpoints
    return not _reads_first()


class ReadsFirstWrote(RuntimeError):
    """A `@reads_first` view wrote outside `write_lock()` (on SQLite, in a deferred transaction that
    may not be able to take the lock)."""


def reads_first_wrote(statement: str) -> bool:
    """A statement that writes is about to run in a `@reads_first` request outside `write_lock()`."""
    return (
        has_request_context()
        and not _write_lock.get()
        and request.method not in SAFE_METHODS
        and statement.lstrip()[:7].upper().startswith(_WRITE_STATEMENTS)
        and _reads_first()
    )


def lock_row(instance) -> None:
    """Lock the instance's row until the transaction ends and read it again (PostgreSQL `FOR UPDATE`),
    so that two writers meeting on it queue and the second sees what the first committed. On SQLite
    the transaction already holds the write lock: nothing is sent."""
    if db.session.get_bind().dialect.name == "sqlite":
        return
    model = type(instance)
    db.session.execute(select(model.id).where(model.id == instance.id).with_for_update())
    db.session.expire(instance)


class _WriterQueue:
    """Writers of one SQLite file wait for each other on an OS file lock (`flock`) before they
    `BEGIN IMMEDIATE`. SQLite's own busy handler retries after sleeps that grow from 1 to 100 ms,
    so under a steady stream of writes (two gunicorn workers saving scorecards) a waiting writer
    often sleeps on long after the lock came free: `make bench` saw p99 0.5–0.8 s for a scorecard
    save that takes 10 ms. Here a waiter tries the file lock every half millisecond. The lock is
    let go when the transaction's COMMIT or ROLLBACK starts (the next writer may then meet SQLite's
    lock for the moment the commit takes, and SQLite's handler waits that out). SQLite's lock stays
    the authority: this only orders the writers of this app (web, worker, CLI); after the busy
    timeout a writer goes on without the queue and SQLite decides, as before. An in-memory
    database has no queue."""

    def __init__(self, database: str | None, timeout: float):
        self.path = f"{database}-writers.lock" if database and database != ":memory:" else None
        self.timeout = timeout

    def enter(self, info: dict) -> None:
        if self.path is None or info.get("writer_locked"):
            return
        import fcntl
        import os
        import time

        descriptor = info.get("writer_fd")
        if descriptor is None:
            descriptor = info["writer_fd"] = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return  # let SQLite's busy timeout decide
                time.sleep(0.0005)
            else:
                info["writer_locked"] = True
                return

    @staticmethod
    def leave(info: dict) -> None:
        if info.pop("writer_locked", False):
            import fcntl

            fcntl.flock(info["writer_fd"], fcntl.LOCK_UN)

    @staticmethod
    def close(info: dict) -> None:
        """The connection is closed: so is its file descriptor (which lets go of any lock)."""
        info.pop("writer_locked", None)
        descriptor = info.pop("writer_fd", None)
        if descriptor is not None:
            import os

            os.close(descriptor)


def configure_sqlite(engine, busy_timeout_seconds: float) -> None:
    """Real transactions, foreign keys, WAL and the write lock up front (SQLAlchemy's pysqlite recipe)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_seconds * 1000)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    queue = _WriterQueue(engine.url.database, busy_timeout_seconds)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if wants_write_lock():
            queue.enter(conn.info)
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(conn):
        queue.leave(conn.info)

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi_connection, record):
        if record is not None:
            queue.leave(record.info)

    @event.listens_for(engine.pool, "close")
    def _on_close(_dbapi_connection, record):
        queue.close(record.info)

    @event.listens_for(engine, "before_cursor_execute")
    def _learn_writing_gets(conn, cursor, statement, parameters, context, executemany):
        if reads_first_wrote(statement):
            raise ReadsFirstWrote(f"{request.endpoint} wrote before it took the write lock: {statement[:60]}")
        if (
            has_request_context()
            and not _write_lock.get()  # a write the code announced (write_after_reading) is no surprise
            and request.method in SAFE_METHODS
            and request.endpoint
            and statement.lstrip()[:7].upper().startswith(_WRITE_STATEMENTS)
        ):
            writing_endpoints.add(request.endpoint)


_READ_ONLY_START = re.compile(r"\s*(SELECT|WITH)\b", re.IGNORECASE)
_WRITE_WORD = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|INTO|TRUNCATE|CALL)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=2048)
def only_reads(statement: str) -> bool:
    """The statement is a query that cannot change a row: it begins with SELECT or WITH and names no
    writing command anywhere (so a CTE that inserts, `SELECT … INTO` and `… FOR UPDATE` all count
    as writing; a column such as `updated_at` is not the word UPDATE). The app's statements are a
    few hundred cached strings, so each is looked at once."""
    return bool(_READ_ONLY_START.match(statement)) and not _WRITE_WORD.search(statement)


def configure_postgresql(engine) -> None:
    """End a transaction that only read with COMMIT rather than ROLLBACK, so that psycopg keeps its
    prepared statements.

    psycopg prepares a statement on the server once a connection has run it five times; from then
    on PostgreSQL skips parsing and planning it. But psycopg forgets every prepared statement on
    each ROLLBACK (in case the transaction created something a statement refers to), and every
    read-only request ends with a rollback when its session closes: the pages' statements were
    parsed and planned anew on every request (`make bench`: the officer's receipt log spent 6.0 ms
    per request in PostgreSQL, 3.5 ms with this). For a transaction whose every statement only
    read, COMMIT ends it exactly as ROLLBACK does (there is nothing to keep or undo); psycopg's own
    rollback then finds the connection idle and sends nothing. A transaction that ran anything else
    (a write, a savepoint, FOR UPDATE, a SET) or that is in error is rolled back as before."""
    from psycopg.pq import TransactionStatus

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.info["only_reads"] = True

    @event.listens_for(engine, "before_cursor_execute")
    def _note_statement(conn, cursor, statement, parameters, context, executemany):
        if conn.info.get("only_reads") and not only_reads(statement):
            conn.info["only_reads"] = False

    @event.listens_for(engine, "commit")
    def _on_commit(conn):
        conn.info.pop("only_reads", None)

    @event.listens_for(engine, "rollback")
    def _commit_what_only_read(conn):
        if not conn.info.pop("only_reads", False) or conn.closed or conn.invalidated:
            return
        dbapi_connection = conn.connection.dbapi_connection
        if dbapi_connection is None or dbapi_connection.info.transaction_status != TransactionStatus.INTRANS:
            return
        # A fault here (the connection broke) is met and reported by the rollback that follows.
        with contextlib.suppress(Exception):
            dbapi_connection.commit()


def is_lock_conflict(exc: BaseException) -> bool:
    """SQLite refused a write because another connection holds or moved past the lock."""
    text = str(getattr(exc, "orig", exc)).lower()
    return isinstance(exc, OperationalError) and ("database is locked" in text or "database is busy" in text)


_SQLITE_UNAVAILABLE = ("database is locked", "database is busy", "unable to open database", "disk i/o error")


def is_database_unavailable(exc: BaseException) -> bool:
    """The database cannot be reached or cannot work right now (outage, restart, lock timeout); a
    mistake in a statement (no such table) is not one of these."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError):
        return False
    if type(exc.orig).__module__ == "sqlite3":
        return any(text in str(exc.orig).lower() for text in _SQLITE_UNAVAILABLE)
    return True


def retry_lock_conflicts(app) -> None:
    """Run a safe-method request once more, with the write lock up front, when it lost a race
    for SQLite's write lock (it wrote after reading in a deferred transaction)."""
    dispatch = app.dispatch_request

    @functools.wraps(dispatch)
    def dispatch_with_retry():
        try:
            return dispatch()
        except OperationalError as exc:
            if request.method not in SAFE_METHODS or g.get("_db_writes") or not is_lock_conflict(exc):
                raise
            db.session.rollback()
            g._db_writes = True
            if request.endpoint:
                writing_endpoints.add(request.endpoint)
            return dispatch()

    app.dispatch_request = dispatch_with_retry
