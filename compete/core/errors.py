"""Domain errors and localised error pages."""

import logging

from flask import current_app, jsonify, render_template, request, session
from flask_babel import force_locale
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from compete.core.db import is_database_unavailable
from compete.core.i18n import lazy_gettext as _l
from compete.extensions import db

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain refused an action; the message is shown to the user."""

    def __init__(self, message, *, code: str = "refused", details: list | None = None):
        self.message = message
        self.code = code
        self.details = details or []
        super().__init__(str(message))


class PermissionDenied(DomainError):
    pass


ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Access denied"), _l("You do not have access to this page.")),
    404: (_l("Page not found"), _l("We could not find the page you asked for.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("File too large"), _l("The file is larger than allowed. Nothing was saved from this request.")),
    429: (_l("Too many attempts"), _l("Wait a little and try again.")),
    500: (_l("Something went wrong"), _l("An error occurred on our side. Nothing you saved earlier was lost.")),
    503: (
        _l("The service is busy or down for a moment"),
        _l("We could not reach the database. Nothing you saved earlier was lost. Try again in a minute."),
    ),
}


def _rollback(*, always: bool = False) -> None:
    """A failed flush leaves the session unusable (PendingRollbackError) until it is rolled back;
    a session still usable is left alone (`always` for database errors)."""
    if not always and db.session.is_active:
        return
    try:
        db.session.rollback()
    except DBAPIError:
        db.session.close()


def _render(code: int, detail=None):
    title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    if request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/"):
        # JSON clients (and every address under /api/, also one that matches no route) get JSON.
        return jsonify(error=str(title), detail=str(detail or text), message=str(detail or text)), code
    return render_template("errors/error.html", code=code, title=title, text=detail or text), code


def _has_nul(*multidicts) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for md in multidicts for key, values in md.lists())


def _unavailable():
    """503 without touching the database: the page names no user and is in the language the
    browser or the session asked for."""
    languages = current_app.config["LANGUAGES"]
    language = session.get("lang") if session.get("lang") in languages else None
    language = language or request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    headers = {"Retry-After": str(current_app.config["DB_UNAVAILABLE_RETRY_AFTER"])}
    with force_locale(language):
        title, text = ERROR_TEXTS[503]
        if request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/"):
            return jsonify(error=str(title), detail=str(text), message=str(text)), 503, headers
        html = render_template("errors/unavailable.html", title=title, text=text, language=language)
    return html, 503, headers


def register_error_handlers(app) -> None:
    @app.before_request
    def refuse_nul_bytes():
        """A NUL byte in a form field, a query parameter or a file name is never valid input, and
        PostgreSQL refuses to store or even compare it (DataError, a 500): answer 400 up front."""
        if request.method in ("GET", "HEAD") and not request.args:
            return None
        sources = [request.args]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            names = [(k, [f.filename or "" for f in files]) for k, files in request.files.lists()]
            sources += [request.form, MultiDict(names)]
        if _has_nul(*sources):
            return _render(400, _l("The form contained a character that is not allowed. Remove it and try again."))
        return None

    @app.before_request
    def refuse_json_that_is_not_an_object():
        """Every JSON body the app takes is an object; Flask-WTF also reads a JSON body as form
        data, and a list, string or number there is a ValueError (a 500): answer 400 up front."""
        view = current_app.view_functions.get(request.endpoint)
        if request.method in ("POST", "PUT", "PATCH") and request.is_json and not getattr(view, "reads_json", False):
            body = request.get_json(silent=True)
            if not isinstance(body, dict):
                return _render(400, _l("The request body must be a JSON object."))
        return None

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        _rollback()
        return _render(400, _l("The form had expired or was sent from another page. Reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(exc):
        _rollback()
        if exc.code in ERROR_TEXTS:
            return _render(exc.code)
        return exc

    @app.errorhandler(DBAPIError)
    def database_error(exc):
        _rollback(always=True)
        if not is_database_unavailable(exc):
            raise exc
        log.error("database unavailable: %s", type(getattr(exc, "orig", exc)).__name__)
        return _unavailable()

    @app.errorhandler(500)
    def server_error(exc):
        _rollback()
        return _render(500)
