"""SQLite writers queue on a file lock before BEGIN IMMEDIATE (compete.core.db._WriterQueue)."""

import threading

from compete.core.db import _WriterQueue


def test_a_second_writer_waits_until_the_first_leaves(tmp_path):
    queue = _WriterQueue(str(tmp_path / "app.sqlite"), timeout=10)
    first, second = {}, {}
    queue.enter(first)
    entered = threading.Event()

    def other():
        queue.enter(second)
        entered.set()

    thread = threading.Thread(target=other)
    thread.start()
    assert not entered.wait(0.3)
    assert "writer_locked" not in second
    queue.leave(first)
    assert entered.wait(10)
    thread.join(10)
    assert second["writer_locked"] is True
    queue.leave(second)
    queue.enter(first)  # free again
    assert first["writer_locked"] is True
    queue.leave(first)


def test_after_the_timeout_the_writer_goes_on_without_the_queue(tmp_path):
    queue = _WriterQueue(str(tmp_path / "app.sqlite"), timeout=0.05)
    holder, late = {}, {}
    queue.enter(holder)
    queue.enter(late)
    assert "writer_locked" not in late  # SQLite's busy timeout decides from here
    queue.leave(late)  # leaving without the lock is harmless
    queue.leave(holder)


def test_an_in_memory_database_has_no_queue():
    queue = _WriterQueue(":memory:", timeout=1)
    info: dict = {}
    queue.enter(info)
    assert info == {}


def test_closing_a_connection_closes_its_descriptor_and_frees_the_queue(tmp_path):
    import os

    queue = _WriterQueue(str(tmp_path / "app.sqlite"), timeout=0.05)
    closed, other = {}, {}
    queue.enter(closed)
    descriptor = closed["writer_fd"]
    queue.close(closed)
    assert closed == {}
    try:
        os.fstat(descriptor)
        raise AssertionError("the descriptor is still open")
    except OSError:
        pass
    queue.enter(other)
    assert other["writer_locked"] is True
    queue.close(other)
