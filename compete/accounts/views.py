"""Routes for accounts (register, verify, login, reset, profile) and organisations."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from wtforms.fields.choices import SelectChoice

from compete.accounts import queries, services
from compete.accounts.forms import (
    CATEGORY_DEFINITIONS,
    CATEGORY_LABELS,
    DecisionForm,
    EmptyForm,
    InviteForm,
    LoginForm,
    OfficerForm,
    OrganisationForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
    SwitchForm,
)
from compete.accounts.models import Membership, Organisation, OrgCategory
from compete.accounts.permissions import (
    can_act,
    can_create_organisation,
    can_invite,
    can_request_buyer,
    can_review_buyers,
    can_set_officer,
    can_switch_to,
    can_view_organisation,
    is_owner,
)
from compete.accounts.services import LoginThrottled
from compete.core.errors import DomainError
from compete.extensions import db, login_manager

bp = Blueprint("accounts", __name__)


@bp.record_once
def _configure_login(state) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.login_message_category = "info"


@bp.before_app_request
def _fresh_request_caches() -> None:
    """Per-request caches live on `g`; when an app context spans requests (tests), start clean."""
    for key in ("_flask_babel", "_login_user", "accounts_nav"):
        g.pop(key, None)


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


# --- login, logout, registration ------------------------------------------------------------


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
            user = services.register(
                form.name.data,
                form.email.data,
                form.password.data,
                language=_current_language(),
                privacy_accepted=bool(form.privacy.data),
            )
        except DomainError as exc:
            error = exc.message
        else:
            # The same page whether or not the address already had an account (no enumeration):
            # rendered before the new user is logged in.
            page = render_template(
                "accounts/check_email.html", next_url=_safe_next(form.next.data, "/") if form.next.data else None
            )
            if user is not None:
                login_user(user)
            db.session.commit()
            return page
    return render_template("accounts/register.html", form=form, error=error)


@bp.get("/verify/<token>")
def verify(token: str):
    try:
        services.verify_email(token)
    except DomainError as exc:
        return render_template("accounts/message.html", title=_("Link not valid"), text=exc.message), 400
    db.session.commit()
    flash(_("Thank you. Your e-mail address is verified."), "success")
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
        services.send_verification(current_user)
        db.session.commit()
        flash(_("We have sent a new link to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("accounts.profile"))


# --- password reset --------------------------------------------------------------------------


@bp.route("/reset", methods=["GET", "POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
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
            db.session.commit()
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
    return render_template("accounts/profile.html", form=form, resend_form=EmptyForm())


@bp.get("/profile/export.json")
@login_required
def export():
    data = services.export_user_data(current_user)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="compete-my-data.json"'},
    )


# --- organisations ---------------------------------------------------------------------------


def _organisation_or_404(org_id: int) -> Organisation:
    organisation = db.session.get(Organisation, org_id)
    if organisation is None:
        abort(404)
    return organisation


@bp.get("/organisations")
@login_required
def organisations():
    return render_template(
        "accounts/organisations.html",
        memberships=queries.memberships_of(current_user),
        may_create=can_create_organisation(current_user),
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@login_required
def new_organisation():
    if not can_create_organisation(current_user):
        abort(403)
    form = OrganisationForm()
    error = None
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(
                current_user,
                name=form.name.data,
                category=OrgCategory(form.category.data),
                country=form.country.data,
                orgnr=form.orgnr.data if form.country.data == "NO" else None,
                foreign_registration=form.foreign_registration.data if form.country.data != "NO" else None,
            )
        except DomainError as exc:
            error = exc.message
        else:
            db.session.commit()
            session["org_id"] = organisation.id
            flash(_("%(name)s is registered. You are its owner.", name=organisation.name), "success")
            return redirect(url_for("accounts.organisation", org_id=organisation.id))
    return render_template("accounts/organisation_new.html", form=form, error=error, definitions=CATEGORY_DEFINITIONS)


@bp.get("/organisations/<int:org_id>")
@login_required
def organisation(org_id: int):
    organisation = _organisation_or_404(org_id)
    if not can_view_organisation(current_user, organisation):
        abort(403)
    owner = is_owner(current_user, organisation)
    return render_template(
        "accounts/organisation.html",
        organisation=organisation,
        members=queries.members_of(organisation),
        invitations=queries.pending_invitations(organisation) if owner or current_user.is_admin else [],
        may_invite=can_invite(current_user, organisation),
        may_request_buyer=can_request_buyer(current_user, organisation),
        may_set_officer=can_set_officer(current_user, organisation),
        form=EmptyForm(),
    )


@bp.route("/organisations/<int:org_id>/invite", methods=["GET", "POST"])
@login_required
def invite(org_id: int):
    organisation = _organisation_or_404(org_id)
    if not can_invite(current_user, organisation):
        abort(403)
    form = InviteForm()
    error = None
    if form.validate_on_submit():
        try:
            services.invite(current_user, organisation, form.email.data)
        except DomainError as exc:
            error = exc.message
        else:
            db.session.commit()
            flash(_("We have sent an invitation to %(email)s.", email=form.email.data.strip()), "success")
            return redirect(url_for("accounts.organisation", org_id=organisation.id))
    return render_template("accounts/invite.html", organisation=organisation, form=form, error=error)


@bp.post("/organisations/<int:org_id>/buyer-request")
@login_required
def buyer_request(org_id: int):
    organisation = _organisation_or_404(org_id)
    if not can_request_buyer(current_user, organisation):
        abort(403)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.request_buyer_status(current_user, organisation)
    db.session.commit()
    flash(_("Your request to become a buyer is sent. A platform administrator will decide."), "success")
    return redirect(url_for("accounts.organisation", org_id=organisation.id))


@bp.post("/organisations/<int:org_id>/members/<int:membership_id>/officer")
@login_required
def set_officer(org_id: int, membership_id: int):
    organisation = _organisation_or_404(org_id)
    member = db.session.get(Membership, membership_id)
    if member is None or member.organisation_id != organisation.id:
        abort(404)
    if not can_set_officer(current_user, organisation):
        abort(403)
    form = OfficerForm()
    if not form.validate_on_submit() or form.officer.data not in ("1", "0"):
        abort(400)
    services.set_officer(current_user, member, officer=form.officer.data == "1")
    db.session.commit()
    if member.is_officer:
        flash(_("%(name)s is now a procurement officer.", name=member.user.name), "success")
    else:
        flash(_("%(name)s is no longer a procurement officer.", name=member.user.name), "success")
    return redirect(url_for("accounts.organisation", org_id=organisation.id))


@bp.post("/organisations/switch")
@login_required
def switch_organisation():
    form = SwitchForm()
    memberships = queries.memberships_of(current_user)
    form.org_id.choices = [SelectChoice(m.organisation_id, m.organisation.name) for m in memberships]
    if not form.validate_on_submit():
        abort(403 if form.org_id.errors else 400)
    organisation = _organisation_or_404(form.org_id.data)
    if not can_switch_to(current_user, organisation):
        abort(403)
    session["org_id"] = organisation.id
    flash(_("You now act for %(name)s.", name=organisation.name), "success")
    return redirect(_safe_next(form.next.data, url_for("accounts.organisations")))


# --- invitations -----------------------------------------------------------------------------


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    try:
        invitation = services.invitation_for_token(token)
    except DomainError as exc:
        return render_template("accounts/message.html", title=_("Invitation not valid"), text=exc.message), 400
    form = EmptyForm()
    if request.method == "POST":
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not form.validate_on_submit():
            abort(400)
        try:
            member = services.accept_invitation(current_user, token)
        except DomainError as exc:
            flash(exc.message, "error")
            return redirect(url_for("accounts.invitation", token=token))
        db.session.commit()
        session["org_id"] = member.organisation_id
        flash(_("You are now a member of %(name)s.", name=member.organisation.name), "success")
        return redirect(url_for("accounts.organisation", org_id=member.organisation_id))
    has_account = queries.user_by_email(invitation.email) is not None
    return render_template(
        "accounts/invitation.html",
        invitation=invitation,
        token=token,
        form=form,
        has_account=has_account,
        matches=current_user.is_authenticated and current_user.email.lower() == invitation.email.lower(),
    )


# --- platform administration -----------------------------------------------------------------


@bp.get("/admin/organisations")
@login_required
def admin_organisations():
    if not can_review_buyers(current_user):
        abort(403)
    pending, decided = queries.organisations_for_admin()
    return render_template("accounts/admin_organisations.html", pending=pending, decided=decided, form=DecisionForm())


@bp.post("/admin/organisations/<int:org_id>/decision")
@login_required
def admin_decide(org_id: int):
    organisation = _organisation_or_404(org_id)
    if not can_review_buyers(current_user):
        abort(403)
    form = DecisionForm()
    if not form.validate_on_submit() or form.decision.data not in ("approve", "reject"):
        abort(400)
    approve = form.decision.data == "approve"
    try:
        services.decide_buyer(current_user, organisation, approve=approve)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("accounts.admin_organisations"))
    db.session.commit()
    if approve:
        flash(_("%(name)s is approved as a buyer.", name=organisation.name), "success")
    else:
        flash(_("The buyer request from %(name)s is rejected.", name=organisation.name), "success")
    return redirect(url_for("accounts.admin_organisations"))
