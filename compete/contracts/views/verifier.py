"""The verifier's pages: the claims to verify, one claim with its evidence, the decision (R49, R50)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compete.audit.services import Actor
from compete.contracts import permissions, queries, services
from compete.contracts.forms import VerifyForm
from compete.contracts.states import ClaimState
from compete.contracts.views import bp, locale, or_404, refused
from compete.core.errors import DomainError
from compete.extensions import db
from compete.storage.downloads import send_stored


def _claim(claim_id: int):
    claim = or_404(queries.claim_by_id(claim_id))
    if not permissions.can_verify(current_user, claim):
        abort(403)
    return claim


@bp.get("/verify")
@login_required
def verify_index():
    return render_template("contracts/verify_index.html", claims=queries.claims_to_verify(current_user))


@bp.route("/verify/claims/<int:claim_id>", methods=["GET", "POST"])
@login_required
def verify_claim(claim_id: int):
    claim = _claim(claim_id)
    form = VerifyForm()
    status = 200
    if form.is_submitted():
        if form.validate():
            verify = form.decision.data == "verify"
            try:
                services.transition_claim(
                    claim,
                    ClaimState.VERIFIED if verify else ClaimState.REJECTED,
                    Actor(current_user, None, "verifier"),
                    "verifier",
                    verified_count=form.verified_count.data,
                    note=form.note.data or "",
                    locale=locale(),
                )
            except DomainError as exc:
                refused(exc)
                status = 409
            else:
                db.session.commit()
                flash(_("The claim was verified.") if verify else _("The claim was rejected."), "success")
                return redirect(url_for("contracts.verify_index"))
        else:
            status = 400
    return render_template("contracts/verify_claim.html", claim=claim, form=form), status


@bp.get("/verify/claims/<int:claim_id>/evidence")
@login_required
def evidence(claim_id: int):
    claim = or_404(queries.claim_by_id(claim_id))
    if not permissions.can_see_evidence(current_user, claim):
        abort(403)
    if not claim.evidence_storage_key:
        abort(404)
    services.record_evidence_download(claim, current_user)
    db.session.commit()
    return send_stored(
        claim.evidence_storage_key, claim.evidence_filename, claim.evidence_content_type, claim.evidence_size
    )
