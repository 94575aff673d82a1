"""Another request, for tests of what a request reads again under its lock: run work in another
thread with a session of its own, and ask whether another connection could write a row right now.
Use them with an app that has a database of its own (`live_app`): the suite's shared test
connection has no other writer."""

from __future__ import annotations

import sqlite3
import threading

from compete.extensions import db


def elsewhere(app, work) -> None:
    """Run `work(session)` and commit, as another request would: in another thread, with a session
    of its own. Fails the test if the work fails or does not finish within 30 s."""
    failures = []

    def run():
        with app.app_context():
            try:
                work(db.session)
                db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - handed to the test below
                failures.append(exc)
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive() and failures == []


def others_may_write(table: str, row_id: int) -> bool:
    """Another connection can write the row at once: on SQLite it takes the database's write lock,
    on PostgreSQL the row's lock (`FOR UPDATE NOWAIT`)."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        other = sqlite3.connect(url.database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            other.close()
    import psycopg

    with psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False)) as other:
        try:
            other.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE NOWAIT", (row_id,))
            return True
        except psycopg.errors.LockNotAvailable:
            return False
