"""The worker's sending: a silent SMTP server, request ids on e-mails, deadline reminders, the job registry."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

from sqlalchemy import select

from compete.core.jobs import Job, Worker, register_job, registered_jobs, run_job
from compete.core.logs import job_context
from compete.extensions import db
from compete.notifications.jobs import send_deadline_reminders
from compete.notifications.models import DeadlineReminder, OutboxMessage, OutboxStatus
from compete.notifications.services import queue_email, send_pending
from compete.submissions import services as submission_services
from tests.factories import make_participant
from tests.factories_submissions import make_setup, make_submitted


class SilentSMTP:
    """Accepts connections and never says a word (a hung mail server)."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.port = self.socket.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self):
        self.socket.close()
        for connection in self.accepted:
            connection.close()


def test_a_server_that_never_answers_times_out_and_the_message_is_retried(app, smtp):
    silent = SilentSMTP()
    mail_state = app.extensions["mail"]
    mail_state.port = silent.port
    app.config["MAIL_TIMEOUT_SECONDS"] = 0.5
    queued = queue_email("notifications/test", to="mottaker@example.test")
    hung = threading.Event()

    def unhang():  # without the timeout the send blocks until this closes the sockets
        hung.set()
        silent.close()

    watchdog = threading.Timer(30, unhang)
    watchdog.start()
    try:
        outcome = [send_pending()]
    finally:
        watchdog.cancel()
        silent.close()
        mail_state.port = smtp.port
        app.config["MAIL_TIMEOUT_SECONDS"] = 20

    assert not hung.is_set()
    assert outcome == [(0, 1)]
    assert len(silent.accepted) == 1
    db.session.refresh(queued)
    assert (queued.status, queued.attempts, queued.sent_at) == (OutboxStatus.PENDING, 1, None)
    assert queued.last_error.split(":")[0] in {"TimeoutError", "SMTPServerDisconnected"}

    assert send_pending() == (1, 0)
    db.session.refresh(queued)
    assert (queued.status, queued.attempts, queued.last_error) == (OutboxStatus.SENT, 2, None)
    assert [m["To"] for m in smtp.messages] == ["mottaker@example.test"]


def test_a_claimed_message_is_not_claimed_again_before_its_lease_ends(app, smtp, clock):
    from compete.notifications.services import claim_due

    queued = queue_email("notifications/test", to="mottaker@example.test")

    first = claim_due(10)
    second = claim_due(10)
    clock.advance(timedelta(seconds=app.config["OUTBOX_CLAIM_SECONDS"]))
    third = claim_due(10)

    assert [e.id for e in first] == [queued.id]
    assert second == []
    assert [(e.id, e.attempts) for e in third] == [(queued.id, 2)]


def test_the_request_id_travels_from_the_request_to_the_email_header(app, client, smtp):
    from tests.factories_competitions import login_as
    from tests.factories_submissions import make_setup as make_open_setup
    from tests.factories_submissions import make_submitted

    setup = make_open_setup()
    submission = make_submitted(setup)
    db.session.commit()
    send_pending()  # the receipt
    smtp.clear()
    login_as(client, setup.user, setup.organisation)

    response = client.post(f"/submissions/{submission.id}/withdraw", headers={"X-Request-ID": "req-0123456789abcdef"})

    assert response.headers["X-Request-ID"] == "req-0123456789abcdef"
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "submissions/withdrawn")).one()
    assert message.request_id == "req-0123456789abcdef"
    send_pending()
    assert [m["X-Request-ID"] for m in smtp.messages] == ["req-0123456789abcdef"]


def test_a_malformed_request_id_is_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": "<script>"})

    assert response.headers["X-Request-ID"] != "<script>"
    assert len(response.headers["X-Request-ID"]) == 32


def test_deadline_reminder_goes_once_per_draft_per_deadline(app, clock):
    setup = make_setup(deadline_in=timedelta(days=1))
    draft = submission_services.start_submission(setup.stage, setup.user, setup.organisation, "")
    other_user, other_org = make_participant()
    make_submitted(setup, user=other_user, organisation=other_org)

    first = send_deadline_reminders()
    again = send_deadline_reminders()
    setup.stage.deadline_at = setup.stage.deadline_at + timedelta(hours=12)  # moved deadline: a new reminder
    db.session.flush()
    moved = send_deadline_reminders()

    assert (first, again, moved) == (1, 0, 1)
    reminders = db.session.scalars(select(DeadlineReminder).order_by(DeadlineReminder.id)).all()
    assert [r.submission_id for r in reminders] == [draft.id, draft.id]
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "notifications/deadline_reminder")
    ).all()
    assert [m.recipient_email for m in mails] == [setup.user.email, setup.user.email]
    assert mails[0].subject == f"Påminnelse: utkastet ditt til {setup.competition.title} er ikke sendt inn"


def test_no_reminder_while_the_deadline_is_far(app):
    setup = make_setup(deadline_in=timedelta(days=10))
    submission_services.start_submission(setup.stage, setup.user, setup.organisation, "")

    assert send_deadline_reminders() == 0


def test_registered_jobs_run_and_a_failing_job_is_rolled_back_without_stopping_the_others(app):
    calls = []

    def failing():
        queue_email("notifications/test", to="rolled-back@example.test")
        raise RuntimeError("boom")

    def working():
        calls.append("ran")

    jobs = {"failing": Job("failing", 60, failing), "working": Job("working", 60, working)}
    worker = Worker(jobs=jobs, poll_seconds=0)

    worker.tick()
    worker.tick()  # inside the interval: neither runs again

    assert calls == ["ran"]
    assert db.session.scalars(select(OutboxMessage.recipient_email)).all() == []
    assert run_job(jobs["working"]) is True
    assert run_job(jobs["failing"]) is False


def test_register_job_adds_to_the_registry():
    register_job("test.noop", 3600, lambda: None)
    try:
        assert registered_jobs()["test.noop"].interval == 3600.0
    finally:
        from compete.core import jobs

        jobs._jobs.pop("test.noop")


def test_job_context_gives_emails_an_id(app):
    with job_context("reminders") as job_id:
        message = queue_email("notifications/test", to="a@example.test")
    assert message.request_id == job_id
    assert job_id.startswith("reminders-")
