"""Sign-in, registration, e-mail verification, password reset and profile."""

from __future__ import annotations

import json

from flask import Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user

from compete.accounts import services
from compete.accounts.forms import (
    EmptyForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from compete.accounts.services import LoginThrottled
from compete.accounts.views import _client_ip, _current_language, _nav_context, _safe_next, bp  # noqa: F401
from compete.core.errors import DomainError
from compete.extensions import db
from compete.identity.queries import export_of as identity_export


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    error = None
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, _client_ip())
        except LoginThrottled as exc:
            db.session.commit()
            error, status = exc.message, 429
        except DomainError as exc:
            db.session.commit()
            error, status = exc.message, 200
        else:
            login_user(user, remember=bool(form.remember.data))
            session.pop("lang", None)  # the user's preferred language applies from now on
            session.pop("org_id", None)
            refresh()
            db.session.commit()
            return redirect(_safe_next(form.next.data))
    return render_template("accounts/login.html", form=form, error=error), status


@bp.post("/logout")
def logout():
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    language = getattr(current_user, "language", None)
    if current_user.is_authenticated:
        # A new session token: this cookie, any copy of it and every remember cookie stop working.
        services.end_sessions(current_user, "logout")
        db.session.commit()
    logout_user()
    session.pop("org_id", None)
    if language:
        session["lang"] = language  # keep the user's language on the pages after logout
        refresh()
    flash(_("You are logged out."), "success")
    return redirect(url_for("competitions.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"))
    form = RegisterForm(next=request.args.get("next", ""), email=request.args.get("email", ""))
    error = None
    if form.validate_on_submit():
        try:
            services.request_registration(
                form.name.data,
                form.email.data,
                form.password.data,
                language=_current_language(),
                ip=_client_ip(),
                privacy_accepted=bool(form.privacy.data),
            )
        except DomainError as exc:
            error = exc.message
        else:
            # The same page, and nobody signed in, whether or not the address already has an account.
            db.session.commit()
            next_url = _safe_next(form.next.data, "/") if form.next.data else None
            return render_template("accounts/check_email.html", next_url=next_url)
    return render_template("accounts/register.html", form=form, error=error)


@bp.get("/verify/<token>")
def verify(token: str):
    try:
        services.verify_email(token)
    except DomainError as exc:
        return render_template("accounts/message.html", title=_("Link not valid"), text=exc.message), 400
    db.session.commit()
    # Say what comes next: an organisation (register one, or accept an invitation), then a sketch.
    flash(
        _(
            "Thank you. Your e-mail address is verified. Next, register your organisation (or accept an "
            "invitation to join one), then open a competition and start your sketch."
        ),
        "success",
    )
    return redirect(url_for("accounts.profile") if current_user.is_authenticated else url_for("accounts.login"))


@bp.post("/verify/resend")
@login_required
def resend_verification():
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.is_verified:
        flash(_("Your e-mail address is already verified."), "info")
    else:
        services.request_verification(current_user, ip=_client_ip())
        db.session.commit()
        flash(_("We will send a new link to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("accounts.profile"))


# --- password reset --------------------------------------------------------------------------


@bp.route("/reset", methods=["GET", "POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, ip=_client_ip())
        db.session.commit()
        return render_template(
            "accounts/message.html",
            title=_("Check your e-mail"),
            text=_(
                "If an account exists for that address, we have sent it a link to choose a new password. "
                "The link works for one hour and only once."
            ),
        )
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        services.user_for_reset_token(token)
    except DomainError as exc:
        return render_template("accounts/message.html", title=_("Link not valid"), text=exc.message), 400
    form = ResetPasswordForm()
    error = None
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except DomainError as exc:
            error = exc.message
        else:
            db.session.commit()  # the new session token has ended every session of the user
            logout_user()
            flash(_("Your password has been changed. Log in with the new password."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, error=error)


# --- profile ---------------------------------------------------------------------------------


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, name=form.name.data, language=form.language.data)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            db.session.commit()
            session["lang"] = form.language.data
            refresh()
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.profile"))
    return _profile_page(form)


def _profile_page(form=None, password_form=None, status=200):
    return (
        render_template(
            "accounts/profile.html",
            form=form if form is not None else ProfileForm(formdata=None, obj=current_user),
            password_form=password_form if password_form is not None else PasswordChangeForm(formdata=None),
            resend_form=EmptyForm(),
            sessions_form=EmptyForm(),
        ),
        status,
    )


def _keep_this_session() -> None:
    """After a new session token: sign this browser in again with it (and renew its remember cookie)."""
    remembered = request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")) is not None
    login_user(current_user._get_current_object(), remember=remembered)


@bp.post("/profile/password")
@login_required
def change_password():
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return _profile_page(password_form=form, status=400)
    try:
        services.change_password(current_user, form.current_password.data, form.password.data, ip=_client_ip())
    except DomainError as exc:
        db.session.commit()  # keep the counted failure
        form.current_password.errors = [exc.message]
        return _profile_page(password_form=form, status=429 if isinstance(exc, LoginThrottled) else 400)
    db.session.commit()
    _keep_this_session()
    flash(_("Your password has been changed. You are logged out everywhere else."), "success")
    return redirect(url_for("accounts.profile"))


@bp.post("/profile/logout-everywhere")
@login_required
def logout_everywhere():
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    services.end_sessions(current_user, "everywhere")
    db.session.commit()
    _keep_this_session()
    flash(_("You are logged out on every other browser and device."), "success")
    return redirect(url_for("accounts.profile"))


@bp.get("/profile/export.json")
@login_required
def export():
    data = services.export_user_data(current_user)
    data["linked_identities"] = identity_export(current_user)  # logins through ID-porten or a buyer's provider
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="compete-my-data.json"'},
    )


# --- organisations ---------------------------------------------------------------------------
