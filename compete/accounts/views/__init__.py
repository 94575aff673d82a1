"""Routes for accounts (register, verify, login, reset, profile) and organisations."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, jsonify, redirect, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_login.utils import login_url
from wtforms.fields.choices import SelectChoice

from compete.accounts import queries
from compete.accounts.forms import CATEGORY_LABELS, SwitchForm
from compete.accounts.models import OrgCategory
from compete.accounts.permissions import can_act
from compete.core.i18n import lazy_gettext as _l
from compete.extensions import login_manager

bp = Blueprint("accounts", __name__)


@bp.record_once
def _configure_login(state) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.unauthorized_handler(_unauthorized)


def _unauthorized():
    """Pages redirect to the login page; background requests (autosave) get a 401 in JSON that
    the page can show, so that a participant whose session expired knows their text is kept."""
    if request.is_json or request.accept_mimetypes.best == "application/json":
        message = _l(
            "Your session has expired. Log in again; what you typed is kept in this browser until it is saved."
        )
        return jsonify(error=str(message)), 401
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=request.url))


@bp.before_app_request
def _fresh_request_caches() -> None:
    """Per-request caches live on `g`; when an app context spans requests (tests), start clean."""
    for key in ("_flask_babel", "_login_user", "accounts_nav"):
        g.pop(key, None)
    # The reader's language now, while the user read for this request is fresh: resolved first
    # after a commit (a flash message after saving), it would load the user again, in a new
    # transaction that on SQLite takes the write lock once more.
    if request.endpoint != "static":
        get_locale()


@bp.app_context_processor
def _inject_accounts():
    return {
        "accounts_nav": _nav_context,
        "can_act": can_act,
        "category_label": lambda value: CATEGORY_LABELS.get(OrgCategory(value), value),
    }


def _nav_context() -> dict:
    """Memberships and the switcher for the header; computed once per request."""
    if "accounts_nav" not in g:
        memberships = queries.memberships_of(current_user) if can_act(current_user) else []
        acting = queries.acting_organisation(current_user) if memberships else None
        form = None
        if len(memberships) > 1:
            form = SwitchForm(formdata=None, org_id=acting.id if acting else None, next=request.full_path.rstrip("?"))
            form.org_id.choices = [SelectChoice(m.organisation_id, m.organisation.name) for m in memberships]
        g.accounts_nav = {"memberships": memberships, "acting": acting, "switch_form": form}
    return g.accounts_nav


def _safe_next(target: str | None, default: str | None = None) -> str:
    """Only same-site relative paths; anything else goes to `default` (the front page)."""
    default = default or url_for("competitions.index")
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def _client_ip() -> str:
    return request.remote_addr or "unknown"


def _current_language() -> str:
    return str(get_locale() or "nb")


# Routes live in the sub-modules; importing them registers them on `bp`.
from compete.accounts.views import auth, organisations  # noqa: E402, F401
