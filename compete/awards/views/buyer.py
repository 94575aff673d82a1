"""The buyer's owner sets whether its payments need four eyes (R37)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compete.accounts.models import Organisation
from compete.audit.services import Actor
from compete.awards import permissions
from compete.awards.forms import PaymentControlForm
from compete.awards.four_eyes import set_payments_four_eyes
from compete.awards.views import _refused, bp
from compete.core.errors import DomainError
from compete.extensions import db


@bp.app_template_global()
def may_set_payment_control(organisation: Organisation) -> bool:
    return current_user.is_authenticated and permissions.can_set_payment_control(current_user, organisation)


@bp.post("/organisations/<int:org_id>/payment-control")
@login_required
def payment_control(org_id: int):
    organisation = db.session.get(Organisation, org_id)
    if organisation is None:
        abort(404)
    if not permissions.can_set_payment_control(current_user, organisation):
        abort(403)
    form = PaymentControlForm()
    if not form.validate_on_submit() or form.four_eyes.data not in ("1", "0"):
        abort(400)
    enabled = form.four_eyes.data == "1"
    try:
        set_payments_four_eyes(organisation, enabled, Actor(current_user, organisation, "owner"))
    except DomainError as exc:
        _refused(exc)
    else:
        db.session.commit()
        if enabled:
            flash(_("Payments now need four eyes: the officer who approves cannot register the payment."), "success")
        else:
            flash(_("The officer who approves a payment may now also register it as paid."), "success")
    return redirect(url_for("accounts.organisation", org_id=organisation.id))
