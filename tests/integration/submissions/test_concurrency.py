"""Concurrent submits at the deadline against a real database file (or PostgreSQL) from threads."""

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from compete.core import time as clock_module
from compete.extensions import db
from compete.submissions import services
from compete.submissions.models import Attachment, LateAttempt, Submission, SubmissionVersion
from tests.factories_submissions import GOOD_CONTENT, make_pdf, make_setup

THREADS = 6


@pytest.fixture
def prepared(live_app):
    with live_app.app_context():
        s = make_setup()
        submission = services.start_submission(s.stage, s.user, s.organisation, "")
        services.save_draft(submission, s.user, GOOD_CONTENT)
        services.add_attachment(submission, s.user, "sketch", "s.pdf", make_pdf())
        db.session.commit()
        ids = (submission.id, s.user.get_id(), s.organisation.id, s.stage.deadline_at)
    yield live_app, ids
    clock_module.unfreeze()


def _clients(app, user_id, org_id, submission_id):
    clients = []
    for _ in range(THREADS):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user_id  # "<id>:<session token>"
            session["org_id"] = org_id
        page = client.get(f"/submissions/{submission_id}/submit").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        key = re.search(r'name="idempotency_key" type="hidden" value="([0-9a-f]+)"', page).group(1)
        clients.append((client, token, key))
    return clients


def _fire(clients, submission_id):
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def run(i, client, token, key):
        barrier.wait()
        response = client.post(
            f"/submissions/{submission_id}/submit", data={"csrf_token": token, "idempotency_key": key}
        )
        results[i] = (response.status_code, response.headers.get("Location"))

    threads = [threading.Thread(target=run, args=(i, *c)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_concurrent_submits_one_second_before_the_deadline(prepared):
    app, (submission_id, user_id, org_id, deadline) = prepared
    clock_module.freeze(deadline - timedelta(seconds=1))
    clients = _clients(app, user_id, org_id, submission_id)

    results = _fire(clients, submission_id)

    assert [status for status, _ in results] == [302] * THREADS
    with app.app_context():
        numbers = sorted(db.session.scalars(select(SubmissionVersion.number)))
        assert numbers == list(range(1, THREADS + 1))
        frozen = db.session.scalar(
            select(func.count()).select_from(Attachment).where(Attachment.version_id.is_not(None))
        )
        assert frozen == THREADS
        submission = db.session.get(Submission, submission_id)
        assert submission.current_version.number == THREADS
        db.session.remove()


def test_concurrent_submits_at_the_deadline_are_all_refused_and_logged(prepared):
    app, (submission_id, user_id, org_id, deadline) = prepared
    clients = _clients(app, user_id, org_id, submission_id)
    clock_module.freeze(deadline)

    results = _fire(clients, submission_id)

    assert [location for _, location in results] == [f"/submissions/{submission_id}/submit"] * THREADS
    with app.app_context():
        assert db.session.scalars(select(SubmissionVersion)).all() == []
        attempts = db.session.scalars(select(LateAttempt)).all()
        assert [a.action for a in attempts] == ["submit"] * THREADS
        assert all(len(a.file_hashes) == 1 for a in attempts)
        db.session.remove()
