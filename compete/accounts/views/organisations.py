"""Organisations, invitations, the organisation switcher and buyer approval."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from compete.accounts import queries, services
from compete.accounts.forms import (
    CATEGORY_DEFINITIONS,
    DecisionForm,
    EmptyForm,
    InviteForm,
    OfficerForm,
    OrganisationForm,
    SwitchForm,
)
from compete.accounts.models import Membership, Organisation, OrgCategory, RegisterStatus
from compete.accounts.permissions import (
    can_create_organisation,
    can_invite,
    can_request_buyer,
    can_review_buyers,
    can_set_officer,
    can_switch_to,
    can_view_organisation,
    is_owner,
)
from compete.accounts.views import _client_ip, _current_language, _nav_context, _safe_next, bp  # noqa: F401
from compete.core.errors import DomainError
from compete.extensions import db, login_manager

REGISTER_WARNINGS = {
    "bankrupt": lambda: _("Enhetsregisteret says this organisation is bankrupt."),
    "under_liquidation": lambda: _("Enhetsregisteret says this organisation is being wound up."),
    "under_forced_liquidation": lambda: _(
        "Enhetsregisteret says this organisation is under compulsory winding-up or dissolution."
    ),
    "deleted": lambda: _("Enhetsregisteret says this organisation is deleted."),
}


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
                name=form.name.data or "",
                category=OrgCategory(form.category.data),
                country=form.country.data,
                orgnr=form.orgnr.data if form.country.data == "NO" else None,
                foreign_registration=form.foreign_registration.data if form.country.data != "NO" else None,
            )
        except DomainError as exc:
            if exc.code in ("orgnr", "name"):
                form[exc.code].errors.append(exc.message)
            else:
                error = exc.message
        else:
            db.session.commit()
            session["org_id"] = organisation.id
            flash(_("%(name)s is registered. You are its owner.", name=organisation.name), "success")
            if organisation.register_status == RegisterStatus.UNVERIFIED:
                flash(
                    _(
                        "Enhetsregisteret did not answer. We kept what you typed, marked it unverified, "
                        "and will check the number again later."
                    ),
                    "warning",
                )
            for warning in organisation.register_warnings:
                flash(REGISTER_WARNINGS[warning](), "warning")
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
        register_warnings=[REGISTER_WARNINGS[w]() for w in organisation.register_warnings],
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
