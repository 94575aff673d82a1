"""Prometheus metrics: request counts and latency per route from the web processes, the outbox and
submissions read from the database when /metrics is scraped (so every process and the worker agree).

Under gunicorn with several workers set PROMETHEUS_MULTIPROC_DIR to an empty directory (cleared
at each start): each process writes its counters there and /metrics adds them up.
"""

from __future__ import annotations

import os
import time

from flask import Flask, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select

from compete.core.logs import request_log
from compete.core.time import now
from compete.extensions import db

REQUESTS = Counter(
    "compete_http_requests_total", "HTTP requests by route, method and status", ["route", "method", "status"]
)
LATENCY = Histogram(
    "compete_http_request_duration_seconds",
    "Time to answer a request, by route",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def _route() -> str:
    """The rule (`/submissions/<int:submission_id>`), never the path: bounded labels, no tokens."""
    return request.url_rule.rule if request.url_rule is not None else "unmatched"


def register_request_metrics(app: Flask) -> None:
    @app.after_request
    def _observe(response):
        started = g.get("request_started")
        if started is None:
            return response
        elapsed = time.perf_counter() - started
        route = _route()
        REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        LATENCY.labels(route).observe(elapsed)
        request_log.info(
            "%s %s %s %.1f ms",
            request.method,
            route,
            response.status_code,
            elapsed * 1000,
            extra={
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(elapsed * 1000, 1),
            },
        )
        return response


class DatabaseCollector:
    """Gauges computed from the database at scrape time."""

    def collect(self):
        from compete.competitions.models import Stage
        from compete.notifications.models import OutboxMessage, OutboxStatus
        from compete.submissions.models import Submission, SubmissionStatus

        moment = now()
        by_status = dict(
            db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
        )
        queue = GaugeMetricFamily("compete_outbox_messages", "E-mail in the outbox by status", labels=["status"])
        for status in OutboxStatus:
            queue.add_metric([status.value], by_status.get(status, 0))
        yield queue
        oldest = db.session.scalar(
            select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status == OutboxStatus.PENDING)
        )
        yield GaugeMetricFamily(
            "compete_outbox_oldest_pending_age_seconds",
            "Age of the oldest unsent e-mail (0 when none waits)",
            value=(moment - oldest).total_seconds() if oldest else 0,
        )
        retrying = db.session.scalar(
            select(func.count()).where(
                OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.last_error.is_not(None)
            )
        )
        yield GaugeMetricFamily(
            "compete_outbox_failed_sends", "Messages whose last attempt failed and that wait for a retry", retrying
        )
        submissions = GaugeMetricFamily(
            "compete_submissions", "Submitted entries per stage", labels=["competition_id", "stage_id"]
        )
        rows = db.session.execute(
            select(Stage.competition_id, Stage.id, func.count(Submission.id))
            .join(Submission, Submission.stage_id == Stage.id)
            .where(Submission.status == SubmissionStatus.SUBMITTED)
            .group_by(Stage.competition_id, Stage.id)
        ).all()
        for competition_id, stage_id, count in rows:
            submissions.add_metric([str(competition_id), str(stage_id)], count)
        yield submissions


def exposition() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        for collector in (REQUESTS, LATENCY):
            registry.register(collector)
    registry.register(DatabaseCollector())
    try:
        return generate_latest(registry)
    finally:
        db.session.rollback()
