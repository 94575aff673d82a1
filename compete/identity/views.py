"""Login through ID-porten and through a buyer's own provider; the buyer's provider settings.

The flow (state, nonce, PKCE verifier) lives in the signed session cookie between the redirect
to the provider and the callback; the callback is the same URL for every provider (register
<BASE_URL>/login/oidc/callback at the provider).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from compete.accounts.models import Organisation
from compete.accounts.views import _safe_next
from compete.core.errors import DomainError
from compete.core.time import now
from compete.extensions import db
from compete.identity import oidc, permissions, queries, services
from compete.identity.forms import FirstLoginForm, ProviderForm
from compete.identity.models import IDPORTEN

bp = Blueprint("identity", __name__)
bp.add_app_template_global(permissions.can_configure_provider, "can_configure_provider")

FLOW_KEY = "oidc_flow"
PENDING_KEY = "oidc_pending"
PENDING_MAX_AGE_SECONDS = 3600


def _redirect_uri() -> str:
    """BASE_URL (the public address, as in e-mail links) + the callback path: the URI registered at
    the provider, whatever Host header or proxy the request came through."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for("identity.callback")


def _failed(message, status: int = 400):
    return render_template("identity/message.html", title=_("Login failed"), text=message), status


@bp.app_context_processor
def _inject_identity():
    return {"identity_login_choices": _login_choices}


def _login_choices() -> list[dict]:
    """The outside logins for the login page: ID-porten, then each buyer's provider."""
    choices = []
    next_url = request.args.get("next") or None
    if services.idporten_settings() is not None:
        choices.append({"label": _("Log in with ID-porten"), "url": url_for("identity.idporten", next=next_url)})
    for provider in queries.enabled_providers():
        choices.append(
            {
                "label": _("Log in with %(name)s", name=provider.organisation.name),
                "url": url_for("identity.organisation_login", org_id=provider.organisation_id, next=next_url),
            }
        )
    return choices


def _start(settings):
    if settings is None:
        abort(404)
    try:
        url, flow = oidc.authorization_request(settings, _redirect_uri())
    except DomainError as exc:
        return _failed(exc.message, 503 if exc.code == "unavailable" else 400)
    flow["next"] = _safe_next(request.args.get("next"))
    session[FLOW_KEY] = flow
    session.pop(PENDING_KEY, None)
    return redirect(url)


@bp.get("/login/idporten")
def idporten():
    return _start(services.idporten_settings())


@bp.get("/login/org/<int:org_id>")
def organisation_login(org_id: int):
    provider = queries.provider_of(org_id)
    if provider is None or not provider.enabled:
        abort(404)
    try:
        settings = services.org_settings(provider)
    except DomainError as exc:
        return _failed(exc.message)
    return _start(settings)


def _log_in(user) -> None:
    """The same session as a password login: Flask-Login with the user's session token."""
    login_user(user)
    session.pop("lang", None)
    session.pop("org_id", None)
    session.pop(PENDING_KEY, None)
    refresh()


@bp.get("/login/oidc/callback")
def callback():
    flow = session.pop(FLOW_KEY, None)
    if not isinstance(flow, dict) or "state" not in flow:
        return _failed(_("The login could not be completed (the answer did not match). Start again."))
    settings = services.settings_for(flow.get("provider", ""))
    if settings is None:
        return _failed(_("This login service is not available."))
    try:
        claims = oidc.complete(settings, flow, request.args, _redirect_uri())
        pending = services.pending_from_claims(settings.key, claims)
    except DomainError as exc:
        return _failed(exc.message)
    identity = queries.identity_for(pending["provider"], pending["sub"])
    if identity is not None:
        try:
            user = services.log_in_identity(identity)
        except DomainError as exc:
            db.session.commit()
            return _failed(exc.message, 403)
        db.session.commit()
        _log_in(user)
        return redirect(flow.get("next") or url_for("competitions.index"))
    pending["at"] = int(now().timestamp())
    session[PENDING_KEY] = pending
    if settings.key == IDPORTEN:
        return redirect(url_for("identity.first_login"))
    provider = queries.enabled_provider(int(settings.key[4:]))
    try:
        user = services.request_staff_link(pending, provider)
    except DomainError as exc:
        session.pop(PENDING_KEY, None)
        return _failed(exc.message, 403)
    db.session.commit()
    return render_template("identity/check_email.html", email=user.email)


def _pending():
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or int(now().timestamp()) - int(pending.get("at", 0)) > PENDING_MAX_AGE_SECONDS:
        return None
    return pending


@bp.route("/login/oidc/first", methods=["GET", "POST"])
def first_login():
    pending = _pending()
    if pending is None or pending.get("provider") != IDPORTEN:
        flash(_("Start the login again."), "info")
        return redirect(url_for("accounts.login"))
    form = FirstLoginForm()
    if form.validate_on_submit():
        services.request_participant_link(
            pending, email=form.email.data, name=form.name.data, language=str(get_locale() or "nb")
        )
        db.session.commit()
        return render_template("identity/check_email.html", email=form.email.data.strip())
    return render_template("identity/first_login.html", form=form)


@bp.get("/login/oidc/confirm/<token>")
def confirm(token: str):
    try:
        user, created = services.confirm_link(token, _pending())
    except DomainError as exc:
        db.session.rollback()
        return _failed(exc.message)
    db.session.commit()
    _log_in(user)
    if created:
        flash(_("Welcome! Your account is ready. Next, register your organisation or accept an invitation."), "success")
    else:
        flash(_("Your login is connected to your account. Next time you go straight in."), "success")
    return redirect(url_for("competitions.index"))


# --- the buyer's provider ---------------------------------------------------------------------


@bp.route("/organisations/<int:org_id>/login-provider", methods=["GET", "POST"])
@login_required
def provider_settings(org_id: int):
    organisation = db.session.get(Organisation, org_id)
    if organisation is None:
        abort(404)
    if not permissions.can_configure_provider(current_user, organisation):
        abort(403)
    provider = queries.provider_of(organisation)
    form = ProviderForm(obj=provider) if request.method == "GET" and provider else ProviderForm()
    if form.validate_on_submit():
        try:
            services.save_provider(
                organisation,
                current_user,
                issuer=form.issuer.data,
                client_id=form.client_id.data,
                client_secret=form.client_secret.data or None,
                scopes=form.scopes.data or "",
                enabled=bool(form.enabled.data),
            )
        except DomainError as exc:
            form.client_secret.errors = [exc.message]
        else:
            db.session.commit()
            flash(_("The login provider is saved."), "success")
            return redirect(url_for("identity.provider_settings", org_id=organisation.id))
    return render_template(
        "identity/provider.html",
        organisation=organisation,
        provider=provider,
        form=form,
        redirect_uri=_redirect_uri(),
    )
