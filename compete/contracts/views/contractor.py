"""The contractor's pages: its contracts, delivering milestones, claiming outcomes (R50)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compete.audit.services import Actor
from compete.contracts import permissions, queries, services
from compete.contracts.forms import ClaimForm, NoteForm
from compete.contracts.states import MilestoneState
from compete.contracts.views import bp, flash_form_errors, locale, or_404, refused
from compete.core.errors import DomainError
from compete.core.time import now, to_oslo
from compete.extensions import db


def _own_contract(contract_id: int):
    contract = or_404(queries.contract_by_id(contract_id))
    if not permissions.can_view_contract_as_contractor(current_user, contract):
        abort(403)
    return contract


def _contractor(contract) -> Actor:
    return Actor(current_user, contract.organisation, "contractor")


@bp.get("/contracts")
@login_required
def my_contracts():
    contracts = [c for c in queries.contracts_for(current_user) if c.is_signed]
    return render_template("contracts/my_contracts.html", contracts=contracts)


def _page(contract, status: int = 200, claim_forms: dict | None = None):
    forms = {o.id: ClaimForm(prefix=f"o{o.id}") for o in contract.outcomes}
    forms.update(claim_forms or {})
    return render_template(
        "contracts/contract.html",
        contract=contract,
        claim_forms=forms,
        note_form=NoteForm(),
        totals=queries.totals(contract),
        today=to_oslo(now()).date(),
    ), status


@bp.get("/contracts/<int:contract_id>")
@login_required
def contract(contract_id: int):
    return _page(_own_contract(contract_id))


@bp.post("/contracts/<int:contract_id>/milestones/<int:milestone_id>/deliver")
@login_required
def deliver(contract_id: int, milestone_id: int):
    contract = _own_contract(contract_id)
    milestone = or_404(queries.milestone_of(contract, milestone_id))
    form = NoteForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("contracts.contract", contract_id=contract.id))
    try:
        services.transition_milestone(
            milestone, MilestoneState.DELIVERED, _contractor(contract), "contractor", note=form.note.data or ""
        )
    except DomainError as exc:
        refused(exc)
    else:
        db.session.commit()
        flash(_("The delivery was reported to the buyer."), "success")
    return redirect(url_for("contracts.contract", contract_id=contract.id))


@bp.post("/contracts/<int:contract_id>/outcomes/<int:outcome_id>/claims")
@login_required
def claim(contract_id: int, outcome_id: int):
    contract = _own_contract(contract_id)
    outcome = or_404(queries.outcome_of(contract, outcome_id))
    form = ClaimForm(prefix=f"o{outcome.id}")
    if not form.validate_on_submit():
        return _page(contract, 400, {outcome.id: form})
    upload = form.evidence.data
    data = upload.read() if upload and getattr(upload, "filename", "") else None
    try:
        services.submit_claim(
            outcome,
            current_user,
            contract.organisation,
            form.claimed_count.data,
            form.statement.data,
            filename=upload.filename if data else None,
            data=data,
            locale=locale(),
        )
    except DomainError as exc:
        refused(exc)
        return _page(contract, 409, {outcome.id: form})
    db.session.commit()
    flash(_("The claim was sent to the verifier."), "success")
    return redirect(url_for("contracts.contract", contract_id=contract.id))
