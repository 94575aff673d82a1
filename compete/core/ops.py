"""Operations endpoints: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import hmac
from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, jsonify, request
from flask_login import current_user
from sqlalchemy import func, select, text

from compete.core.metrics import exposition
from compete.core.time import now
from compete.extensions import db

bp = Blueprint("ops", __name__)
LOOPBACK = frozenset({"127.0.0.1", "::1"})


@bp.get("/healthz")
def healthz():
    """The process answers; nothing else is checked (restart it when this fails)."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Send traffic here? The database answers, storage answers, e-mail is not stuck."""
    from compete.notifications.models import OutboxMessage, OutboxStatus
    from compete.storage.backends import get_storage

    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        oldest = db.session.scalar(
            select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status == OutboxStatus.PENDING)
        )
        checks["database"] = "ok"
        limit = timedelta(seconds=current_app.config["READY_OUTBOX_MAX_AGE_SECONDS"])
        checks["outbox"] = "ok" if oldest is None or now() - oldest <= limit else "stuck"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", named in the answer
        checks["database"] = f"error: {type(exc).__name__}"
        checks["outbox"] = "unknown"
    finally:
        db.session.rollback()
    try:
        get_storage().check()
        checks["storage"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["storage"] = f"error: {type(exc).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return jsonify(checks), 200 if ready else 503


def can_read_metrics() -> bool:
    """With METRICS_TOKEN set only the bearer of the token; without it, loopback and administrators."""
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    if request.remote_addr in LOOPBACK:
        return True
    return bool(getattr(current_user, "is_authenticated", False) and current_user.is_admin)


@bp.get("/metrics")
def metrics():
    if not can_read_metrics():
        abort(404)
    return Response(exposition(), mimetype="text/plain; version=0.0.4; charset=utf-8")
