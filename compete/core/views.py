"""Site-wide routes: health check, language choice, accessibility and privacy pages."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session
from sqlalchemy import text

from compete.extensions import db
from compete.storage.backends import get_storage

bp = Blueprint("core", __name__)


@bp.get("/healthz")
def healthz():
    status = {}
    try:
        db.session.execute(text("SELECT 1"))
        status["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
        db.session.rollback()
        status["database"] = f"error: {type(exc).__name__}"
    try:
        get_storage().check()
        status["storage"] = "ok"
    except Exception as exc:  # noqa: BLE001
        status["storage"] = f"error: {type(exc).__name__}"
    healthy = all(value == "ok" for value in status.values())
    return jsonify(status), 200 if healthy else 503


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths; anything else goes home."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@bp.get("/language/<code>")
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next")))


@bp.get("/accessibility")
def accessibility():
    return render_template("core/accessibility.html")


@bp.get("/privacy")
def privacy():
    return render_template("core/privacy.html")
