"""Domain errors and localised error pages."""

from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from compete.core.i18n import lazy_gettext as _l


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
}


def _render(code: int, detail=None):
    title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=str(title), detail=str(detail or text)), code
    return render_template("errors/error.html", code=code, title=title, text=detail or text), code


def _has_nul(*multidicts) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for md in multidicts for key, values in md.lists())


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

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _render(400, _l("The form had expired or was sent from another page. Reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(exc):
        if exc.code in ERROR_TEXTS:
            return _render(exc.code)
        return exc

    @app.errorhandler(500)
    def server_error(exc):
        return _render(500)
