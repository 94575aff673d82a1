"""Concurrent writers through a real WSGI server (werkzeug, threaded) on a database file or PostgreSQL:
jurors re-save scorecards and open entry pages (which audit the view, R41) while a participant's
draft autosaves from several tabs, and the worker sends e-mail beside them."""

from __future__ import annotations

import re
import sqlite3
import threading

import pytest
import requests
from sqlalchemy import func, select

from compete.core.jobs import Worker
from compete.extensions import db
from compete.jury.models import Score, Scorecard
from compete.notifications.models import OutboxMessage, OutboxStatus
from compete.notifications.services import queue_email
from compete.submissions import services as submission_services
from compete.submissions.models import Submission
from tests.factories_jury import declare_all_clear, make_jury_stage
from tests.factories_submissions import GOOD_CONTENT, make_setup

JURORS = 3
ENTRIES = 2
ROUNDS = 6
TABS = 3
TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


@pytest.fixture
def arena(live_server):
    app = live_server.app
    with app.app_context():
        setup, _officer, entries, seats = make_jury_stage(entries=ENTRIES, jurors=JURORS)
        for seat in seats:
            declare_all_clear(seat, entries)
        open_call = make_setup()
        draft = submission_services.start_submission(open_call.stage, open_call.user, open_call.organisation, "")
        db.session.commit()
        arena = {
            "stage_id": setup.stage.id,
            "criteria": [c.id for c in setup.stage.criteria],
            "codes": [e.code for e in entries],
            "jurors": [seat.user.get_id() for seat in seats],
            "participant": (open_call.user.get_id(), open_call.organisation.id),
            "draft_id": draft.id,
        }
        db.session.remove()
    return live_server, arena


def _browser(live, user_id: str, org_id: int | None = None) -> requests.Session:
    """A signed-in browser: the session cookie is signed with the app's key, as after a login
    (`user_id` is `User.get_id()`, "<id>:<session token>")."""
    data = {"_user_id": user_id, "_fresh": True}
    if org_id is not None:
        data["org_id"] = org_id
    session = requests.Session()
    signed = live.app.session_interface.get_signing_serializer(live.app).dumps(data)
    session.cookies.set("session", signed, domain="127.0.0.1", path="/")
    return session


def _run_all(workers) -> list[tuple[str, int]]:
    results: list[tuple[str, int]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(workers))

    def run(work):
        barrier.wait()
        for outcome in work():
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def _juror_work(live, arena, index: int):
    def work():
        browser = _browser(live, arena["jurors"][index])
        for round_number in range(ROUNDS):
            for code in arena["codes"]:
                url = f"{live.url}/jury/stages/{arena['stage_id']}/entries/{code}"
                page = browser.get(url, timeout=60)
                yield ("entry page", page.status_code)
                form = {"csrf_token": TOKEN.search(page.text).group(1), "action": "save"}
                for criterion_id in arena["criteria"]:
                    form[f"score-{criterion_id}"] = str(1 + (round_number + index) % 5)
                    form[f"why-{criterion_id}"] = f"Runde {round_number}"
                saved = browser.post(url, data=form, allow_redirects=False, timeout=60)
                yield ("scorecard save", saved.status_code)

    return work


def _autosave_work(live, arena, tab: int):
    def work():
        user_id, org_id = arena["participant"]
        browser = _browser(live, user_id, org_id)
        page = browser.get(f"{live.url}/submissions/{arena['draft_id']}", timeout=60)
        yield ("edit page", page.status_code)
        token = TOKEN.search(page.text).group(1)
        for round_number in range(ROUNDS * ENTRIES):
            content = {**GOOD_CONTENT, "problem": f"Fane {tab}, runde {round_number}"}
            saved = browser.post(
                f"{live.url}/submissions/{arena['draft_id']}/autosave",
                json={"content": content},
                headers={"X-CSRFToken": token},
                timeout=60,
            )
            yield ("autosave", saved.status_code)

    return work


EXPECTED = {"entry page": 200, "scorecard save": 302, "edit page": 200, "autosave": 200}


def test_concurrent_scorecard_saves_entry_pages_and_autosaves_all_succeed(arena):
    live, data = arena
    work = [_juror_work(live, data, i) for i in range(JURORS)] + [_autosave_work(live, data, t) for t in range(TABS)]

    results = _run_all(work)

    failures = [(kind, status) for kind, status in results if status != EXPECTED[kind]]
    assert failures == []
    assert len(results) == JURORS * ROUNDS * ENTRIES * 2 + TABS * (1 + ROUNDS * ENTRIES)
    with live.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Scorecard)) == JURORS * ENTRIES
        assert db.session.scalar(select(func.count()).select_from(Score)) == JURORS * ENTRIES * len(data["criteria"])
        draft = db.session.get(Submission, data["draft_id"])
        assert draft.draft_content["problem"].startswith("Fane ")
        db.session.remove()


def test_worker_beside_the_web_app_sends_everything_and_holds_no_lock_while_idle(arena, smtp):
    live, data = arena
    app = live.app
    with app.app_context():
        for n in range(10):
            queue_email("notifications/test", to=f"mottaker{n}@example.test", language="nb")
        db.session.commit()
        db.session.remove()
    stop = threading.Event()
    errors: list[BaseException] = []

    def run_worker():
        with app.app_context():
            worker = Worker(jobs={}, poll_seconds=0.05)
            worker.stopping = stop
            try:
                worker.run()
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)

    thread = threading.Thread(target=run_worker)
    thread.start()
    try:
        results = _run_all([_juror_work(live, data, i) for i in range(JURORS)] + [_autosave_work(live, data, 0)])
        assert [(kind, status) for kind, status in results if status != EXPECTED[kind]] == []

        with app.app_context():
            for _ in range(200):
                pending = db.session.scalar(
                    select(func.count()).where(OutboxMessage.status != OutboxStatus.SENT).select_from(OutboxMessage)
                )
                db.session.remove()
                if pending == 0:
                    break
                stop.wait(0.05)
            assert pending == 0
            # Idle between its polls the worker has no connection checked out, so it holds no
            # transaction and no lock (sampled: a poll takes a connection for a moment).
            idle = []
            for _ in range(40):
                idle.append(db.engine.pool.checkedout())
                stop.wait(0.025)
            assert min(idle) == 0
            if db.engine.dialect.name == "sqlite":
                other = sqlite3.connect(db.engine.url.database, timeout=5, isolation_level=None)
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                other.close()
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert errors == []
    with app.app_context():
        queued = db.session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)).all()
        db.session.remove()
    # Every message once (the factories queued receipts too).
    assert sorted(int(m["X-Compete-Message-Id"]) for m in smtp.messages) == queued
    assert sum(m["To"].startswith("mottaker") for m in smtp.messages) == 10


def test_the_entry_page_holds_the_write_lock_for_the_view_record_only(arena):
    """The juror's entry page reads and renders in a transaction that takes no write lock; the
    record of the view (R41) is appended in a transaction of its own, which on SQLite takes the
    write lock up front and holds nothing else. The page is not learned as a writing GET. On
    PostgreSQL the append joins the read transaction (no write lock to keep short)."""
    from sqlalchemy import event

    from compete.audit.models import AuditEntry
    from compete.core import db as core_db

    live, data = arena
    seen: list[str] = []

    def statement(conn, cursor, text, parameters, context, executemany):
        words = text.split()
        seen.append(" ".join(words[:2]).upper() if words[0].upper() == "BEGIN" else words[0].upper())

    def commit(conn):
        seen.append("COMMIT")

    with live.app.app_context():
        engine = db.engine
        viewed = select(func.count(AuditEntry.id)).where(AuditEntry.action == "submission.viewed")
        before = db.session.scalar(viewed)
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        browser = _browser(live, data["jurors"][0])
        for _ in range(2):
            page = browser.get(f"{live.url}/jury/stages/{data['stage_id']}/entries/{data['codes'][0]}", timeout=60)
            assert page.status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)
    assert "jury.entry" not in core_db.writing_endpoints
    with live.app.app_context():
        assert db.session.scalar(viewed) == before + 2
    if engine.dialect.name != "sqlite":
        # No database-wide write lock to keep short: each request appends in its read transaction,
        # one COMMIT each (psycopg sends BEGIN itself, not through a cursor).
        commits = [i for i, item in enumerate(seen) if item == "COMMIT"]
        assert len(commits) == 2, seen
        first = seen[: commits[0] + 1]
        assert first[-4:] == ["SELECT", "INSERT", "UPDATE", "COMMIT"] and set(first[:-3]) == {"SELECT"}, first
        return
    # Each request: BEGIN, its reads, COMMIT; then BEGIN IMMEDIATE, the audit append, COMMIT.
    transactions, current = [], None
    for item in seen:
        if item.startswith("BEGIN"):
            current = [item]
        elif item == "COMMIT":
            transactions.append(current)
            current = None
        elif current is not None:
            current.append(item)
    reads = [t for t in transactions if t[0] == "BEGIN"]
    appends = [t for t in transactions if t[0] == "BEGIN IMMEDIATE"]
    assert len(reads) == 2 and len(appends) == 2
    assert all(set(t[1:]) == {"SELECT"} for t in reads)
    assert all(t[1:] == ["SELECT", "INSERT", "UPDATE"] for t in appends)
