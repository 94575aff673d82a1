"""The open API (/api/v1) and the personal API tokens on the profile (/profile/api-tokens).

Every operation is declared once with `operation(...)` (compete.api.registry): the route, the
OpenAPI document and the reference page come from that declaration. Authenticated operations
check the same `can_*` predicates as the pages, with the token's user.
"""

from __future__ import annotations

import json
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin, current_user, login_required
from werkzeug.exceptions import HTTPException

from compete.api import services
from compete.api.forms import RevokeForm, TokenForm
from compete.api.registry import POSITION, REGISTRY, SLUG, ApiError, Param, make_operation_decorator
from compete.api.schemas import array, ref
from compete.api.spec import openapi_document
from compete.core.errors import ERROR_TEXTS, DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.i18n import lazy_ngettext as ngettext  # extracted as ngettext
from compete.core.time import now
from compete.extensions import csrf, db

bp = Blueprint("api", __name__, url_prefix="/api/v1")
tokens_bp = Blueprint("api_tokens", __name__)
csrf.exempt(bp)  # token-authenticated JSON: no cookies, no forms


@bp.record_once
def _register_token_pages(state) -> None:
    state.app.register_blueprint(tokens_bp)


# --- authentication, rate limit, errors -----------------------------------------------------------


def api_user():
    return g.get("api_user") or AnonymousUserMixin()


def _language() -> str:
    languages = current_app.config["LANGUAGES"]
    best = request.accept_languages.best_match(languages) if request.accept_languages else None
    if best:
        return best
    user = g.get("api_user")
    if user is not None and getattr(user, "language", None) in languages:
        return user.language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


ERROR_WORDS = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
ERROR_WORDS |= {409: "conflict", 429: "too_many_requests", 500: "server_error"}


def error_response(status: int, message, headers: dict | None = None):
    with force_locale(_language()):
        body = jsonify(error=ERROR_WORDS.get(status, "error"), message=str(message))
    return body, status, headers or {}


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    db.session.rollback()
    return error_response(exc.status, exc.message, exc.headers)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    db.session.rollback()
    _title, text = ERROR_TEXTS.get(exc.code, (None, exc.description))
    return error_response(exc.code or 500, text, dict(exc.get_headers()) if exc.code == 405 else None)


def _bearer() -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiError(
            401, _l("Send the token as: Authorization: Bearer <token>."), headers={"WWW-Authenticate": "Bearer"}
        )
    return value.strip()


@bp.before_request
def _authenticate_and_count():
    """Count the request for its IP address, find the token, count it for the token: a 401 for an
    unknown, revoked or expired token, a 429 over either limit. Counters commit at once."""
    config = current_app.config
    raw = _bearer()
    # The first statement writes: on SQLite a transaction that reads first cannot wait for the lock.
    waits = [services.hit({f"ip:{request.remote_addr or 'unknown'}": config["API_RATE_LIMIT_PER_IP"]})]
    token = services.authenticate(raw) if raw is not None else None
    if token is not None:
        waits.append(services.hit({f"token:{token.id}": config["API_RATE_LIMIT_PER_TOKEN"]}))
    db.session.commit()
    wait = max((w for w in waits if w is not None), default=None)
    if wait is not None:
        message = ngettext(
            "Too many requests. Try again in %(num)d second.", "Too many requests. Try again in %(num)d seconds.", wait
        )
        raise ApiError(429, message, headers={"Retry-After": str(wait)})
    if raw is not None and token is None:
        raise ApiError(
            401,
            _l("The API token is unknown, revoked or expired."),
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    g.api_token = token
    g.api_user = token.user if token is not None else None


def _require_token(scopes: tuple[str, ...]) -> None:
    token = g.get("api_token")
    if token is None:
        raise ApiError(401, _l("This needs a personal API token."), headers={"WWW-Authenticate": "Bearer"})
    if not any(token.has_scope(scope) for scope in scopes):
        raise ApiError(403, _l("The token does not have the scope this needs: %(scopes)s.", scopes=" or ".join(scopes)))


operation = make_operation_decorator(bp, _require_token)


def forbid(allowed: bool) -> None:
    if not allowed:
        raise ApiError(403, _l("You do not have access to this."))


def not_found() -> ApiError:
    return ApiError(404, _l("Not found."))


# --- the document and the reference page --------------------------------------------------------


@bp.get("/openapi.json")
def openapi():
    with force_locale("en"):
        return jsonify(openapi_document())


@bp.get("/docs")
def docs():
    document = openapi_document()
    listed = [(op, document["paths"][op.path]["get"]) for op in REGISTRY]
    schemas = {
        name: json.dumps(schema, indent=2, ensure_ascii=False)
        for name, schema in document["components"]["schemas"].items()
    }
    base = current_app.config["BASE_URL"].rstrip("/")
    return render_template("api/docs.html", operations=listed, schemas=schemas, base=base)


# Operations live in compete.api.operations; importing it registers them.
from compete.api import operations  # noqa: E402, F401

# --- personal API tokens (profile) --------------------------------------------------------------


def _tokens_page(form=None, created=None, status=200):
    return (
        render_template(
            "api/tokens.html",
            form=form or TokenForm(formdata=None),
            tokens=services.tokens_of(current_user),
            created=created,
            now=now(),
            docs_url=url_for("api.docs"),
            revoke_form=RevokeForm(),
        ),
        status,
    )


@tokens_bp.route("/profile/api-tokens", methods=["GET", "POST"])
@login_required
def tokens():
    if request.method == "GET":
        return _tokens_page()
    form = TokenForm()
    if not form.validate_on_submit():
        return _tokens_page(form, status=400)
    expires_at = None
    if form.expires.data != "never":
        days = min(int(form.expires.data), current_app.config["API_TOKEN_MAX_DAYS"])
        expires_at = now() + timedelta(days=days)
    try:
        token, raw = services.create_token(current_user, form.name.data, form.scopes(), expires_at)
    except DomainError as exc:
        db.session.rollback()
        form.name.errors = [*form.name.errors, str(exc.message)]
        return _tokens_page(form, status=400)
    db.session.commit()
    return _tokens_page(created={"token": token, "secret": raw})


@tokens_bp.post("/profile/api-tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    if not RevokeForm().validate_on_submit():
        abort(400)
    token = services.token_of(current_user, token_id)
    if token is None:
        abort(404)
    services.revoke_token(token, current_user)
    db.session.commit()
    flash(_("The token %(prefix)s is revoked; it no longer works.", prefix=token.prefix), "success")
    return redirect(url_for("api_tokens.tokens"))


__all__ = ["POSITION", "SLUG", "Param", "api_user", "array", "bp", "forbid", "not_found", "operation", "ref"]
