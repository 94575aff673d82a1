"""The worker (`flask worker`): the outbox and the scheduled jobs, in one process.

A domain adds a job by calling `register_job(name, interval_seconds, func)` in its `jobs.py`
(compete/<domain>/jobs.py is imported when the worker starts). `func()` runs in the application
context, flushes only, and is committed by the worker; on SQLite its transaction takes the write
lock up front. A failing job is rolled back and logged, and the others go on. Jobs must be safe to
run twice (two workers, a restart): guard them with a unique key, as the deadline reminders do.
Between ticks the worker holds no transaction and no connection.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from compete.core.db import write_lock
from compete.core.logs import job_context
from compete.extensions import db

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    interval: float
    func: Callable[[], object]
    # A job that waits on something outside (a register, a network service) commits its own short
    # write transactions instead of running inside one that holds the write lock throughout.
    own_transactions: bool = False


_jobs: dict[str, Job] = {}


def register_job(name: str, interval: float, func: Callable[[], object], *, own_transactions: bool = False) -> None:
    """Run `func` every `interval` seconds in the worker (registering a name again replaces it)."""
    _jobs[name] = Job(name, float(interval), func, own_transactions)


def registered_jobs() -> dict[str, Job]:
    return dict(_jobs)


def load_jobs() -> dict[str, Job]:
    from compete import DOMAINS

    for domain in DOMAINS:
        try:
            importlib.import_module(f"compete.{domain}.jobs")
        except ModuleNotFoundError as exc:
            if exc.name != f"compete.{domain}.jobs":
                raise
    return registered_jobs()


def run_job(job: Job) -> bool:
    """Run one job in its own transaction; True when it committed."""
    with job_context(job.name):
        try:
            if job.own_transactions:
                job.func()
                db.session.commit()
            else:
                with write_lock():
                    job.func()
                    db.session.commit()
            return True
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", job.name)
            return False
        finally:
            db.session.remove()


def send_outbox() -> tuple[int, int]:
    """Answer queued account requests (registration, reset, verification; they queue mail), then
    send what the outbox holds."""
    from compete.accounts.services import process_mail_requests
    from compete.notifications.services import send_pending

    with job_context("outbox"):
        try:
            with write_lock():
                handled = process_mail_requests()
                db.session.commit()
            if handled:
                log.info("answered %s account requests", handled)
            sent, failed = send_pending()
        except Exception:
            db.session.rollback()
            log.exception("outbox run failed")
            return 0, 0
        finally:
            db.session.remove()
    if sent or failed:
        log.info("outbox: sent %s, failed %s", sent, failed)
    return sent, failed


class Worker:
    """Polls the outbox every WORKER_POLL_SECONDS and runs each job when its interval has passed."""

    def __init__(self, jobs: dict[str, Job] | None = None, poll_seconds: float | None = None):
        self.jobs = load_jobs() if jobs is None else jobs
        self.poll_seconds = current_app.config["WORKER_POLL_SECONDS"] if poll_seconds is None else poll_seconds
        self.next_run = dict.fromkeys(self.jobs, 0.0)
        self.stopping = threading.Event()

    def tick(self) -> None:
        send_outbox()
        moment = time.monotonic()
        for name, job in self.jobs.items():
            if moment >= self.next_run[name]:
                self.next_run[name] = moment + job.interval
                run_job(job)

    def run(self, max_ticks: int | None = None) -> None:
        ticks = 0
        log.info("worker started: outbox every %ss, jobs %s", self.poll_seconds, ", ".join(self.jobs) or "none")
        while not self.stopping.is_set():
            self.tick()
            ticks += 1
            if max_ticks is not None and ticks >= max_ticks:
                break
            self.stopping.wait(self.poll_seconds)
        log.info("worker stopped")

    def stop(self, *_args) -> None:
        self.stopping.set()
