"""The officers' contract page: draft, milestones, outcome milestones, signing, payments, results."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compete.audit.services import Actor
from compete.awards.gate import agreement_blocked
from compete.competitions import queries as competition_queries
from compete.competitions.permissions import officer_organisation
from compete.contracts import permissions, queries, services
from compete.contracts.forms import (
    ContractForm,
    EmptyForm,
    MilestoneForm,
    NoteForm,
    OutcomeForm,
    PaymentForm,
    ResultsForm,
    SignForm,
)
from compete.contracts.states import ClaimState, MilestoneState
from compete.contracts.views import bp, flash_form_errors, locale, or_404, refused
from compete.core.errors import DomainError
from compete.extensions import db

BASE = "/manage/competitions/<slug>/contract"


def _competition(slug: str):
    competition = or_404(competition_queries.competition_by_slug(slug))
    if not permissions.can_manage_contract(current_user, competition):
        abort(403)
    return competition


def _contract(competition):
    return or_404(queries.contract_of(competition))


def _officer(competition) -> Actor:
    return Actor(current_user, officer_organisation(current_user, competition, session.get("org_id")), "officer")


def _outcome_form(competition, formdata=None) -> OutcomeForm:
    form = OutcomeForm(formdata=formdata) if formdata is not None else OutcomeForm()
    form.verifier.choices = [(u.id, f"{u.name} ({u.email})") for u in queries.verifiers_of(competition)]
    return form


def _page(competition, status: int = 200, **forms):
    contract = queries.contract_of(competition)
    context = {
        "competition": competition,
        "contract": contract,
        "winner": queries.winner(competition),
        "blocked": services.contract_blocked(competition, locale()) if contract is None else None,
        "contract_form": forms.get("contract_form") or ContractForm(),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(),
        "outcome_form": forms.get("outcome_form") or _outcome_form(competition),
        "sign_form": forms.get("sign_form") or SignForm(),
        "results_form": forms.get("results_form")
        or ResultsForm(data={"summary": contract.results_summary if contract else ""}),
        "payment_form": PaymentForm(data={"recipient_orgnr": contract.contractor_registration if contract else ""}),
        "note_form": NoteForm(),
        "empty": EmptyForm(),
        "totals": queries.totals(contract) if contract else None,
    }
    if contract is not None and not contract.is_signed:
        context["blocked"] = agreement_blocked(contract.stage, locale())
    return render_template("contracts/manage.html", **context), status


@bp.route(BASE, methods=["GET", "POST"])
@login_required
def manage(slug: str):
    competition = _competition(slug)
    if request.method == "POST":
        form = ContractForm()
        if not form.validate_on_submit():
            return _page(competition, 400, contract_form=form)
        try:
            services.create_contract(competition, _officer(competition), form.ceiling.data, locale=locale())
        except DomainError as exc:
            refused(exc)
            return _page(competition, 409, contract_form=form)
        db.session.commit()
        flash(_("The contract was drafted. Add milestones and outcome milestones, then record the signing."), "success")
        return redirect(url_for("contracts.manage", slug=slug))
    return _page(competition)


@bp.post(BASE + "/milestones")
@login_required
def add_milestone(slug: str):
    competition = _competition(slug)
    contract = _contract(competition)
    form = MilestoneForm()
    if not form.validate_on_submit():
        return _page(competition, 400, milestone_form=form)
    try:
        services.add_milestone(
            contract, _officer(competition), form.description.data, form.amount.data, form.due_on.data, locale=locale()
        )
    except DomainError as exc:
        refused(exc)
        return _page(competition, 409, milestone_form=form)
    db.session.commit()
    flash(_("The milestone was added."), "success")
    return redirect(url_for("contracts.manage", slug=slug))


@bp.post(BASE + "/outcomes")
@login_required
def add_outcome(slug: str):
    competition = _competition(slug)
    contract = _contract(competition)
    form = _outcome_form(competition, request.form)
    if not form.validate_on_submit():
        return _page(competition, 400, outcome_form=form)
    verifier = next((u for u in queries.verifiers_of(competition) if u.id == form.verifier.data), None)
    try:
        services.add_outcome(
            contract,
            _officer(competition),
            definition=form.definition.data,
            target_cohort=form.target_cohort.data,
            measure=form.measure.data,
            threshold=form.threshold.data,
            data_source=form.data_source.data,
            verifier=verifier,
            window_from=form.window_from.data,
            window_to=form.window_to.data,
            price_per_outcome=form.price_per_outcome.data,
            cap=form.cap.data,
        )
    except DomainError as exc:
        refused(exc)
        return _page(competition, 409, outcome_form=form)
    db.session.commit()
    flash(_("The outcome milestone was added."), "success")
    return redirect(url_for("contracts.manage", slug=slug))


@bp.post(BASE + "/sign")
@login_required
def sign(slug: str):
    competition = _competition(slug)
    contract = _contract(competition)
    form = SignForm()
    if not form.validate_on_submit():
        return _page(competition, 400, sign_form=form)
    try:
        services.sign_contract(contract, _officer(competition), form.signed_on.data, locale=locale())
    except DomainError as exc:
        refused(exc)
        return _page(competition, 409, sign_form=form)
    db.session.commit()
    flash(_("The signing of the contract was recorded."), "success")
    return redirect(url_for("contracts.manage", slug=slug))


MILESTONE_STEPS = {
    "deliver": MilestoneState.DELIVERED,
    "return": MilestoneState.PLANNED,
    "accept": MilestoneState.ACCEPTED,
    "approve": MilestoneState.PAYMENT_APPROVED,
    "pay": MilestoneState.PAID,
}


@bp.post(BASE + "/milestones/<int:milestone_id>/<any(deliver, return, accept, approve, pay):step>")
@login_required
def milestone_step(slug: str, milestone_id: int, step: str):
    competition = _competition(slug)
    contract = _contract(competition)
    milestone = or_404(queries.milestone_of(contract, milestone_id))
    form = PaymentForm() if step == "pay" else NoteForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("contracts.manage", slug=slug))
    data = form.data
    try:
        services.transition_milestone(
            milestone,
            MILESTONE_STEPS[step],
            _officer(competition),
            "officer",
            note=data.get("note") or "",
            invoice_reference=data.get("invoice_reference") or "",
            recipient_orgnr=data.get("recipient_orgnr") or "",
            paid_on=data.get("paid_on"),
            locale=locale(),
        )
    except DomainError as exc:
        refused(exc)
    else:
        db.session.commit()
        flash(_("The milestone was updated."), "success")
    return redirect(url_for("contracts.manage", slug=slug))


@bp.post(BASE + "/claims/<int:claim_id>/<any(approve, pay):step>")
@login_required
def claim_step(slug: str, claim_id: int, step: str):
    competition = _competition(slug)
    contract = _contract(competition)
    claim = queries.claim_by_id(claim_id)
    if claim is None or claim.outcome.contract_id != contract.id:
        abort(404)
    form = PaymentForm() if step == "pay" else EmptyForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("contracts.manage", slug=slug))
    data = form.data
    try:
        services.transition_claim(
            claim,
            ClaimState.PAID if step == "pay" else ClaimState.APPROVED,
            _officer(competition),
            "officer",
            invoice_reference=data.get("invoice_reference") or "",
            recipient_orgnr=data.get("recipient_orgnr") or "",
            paid_on=data.get("paid_on"),
            locale=locale(),
        )
    except DomainError as exc:
        refused(exc)
    else:
        db.session.commit()
        flash(_("The claim was updated."), "success")
    return redirect(url_for("contracts.manage", slug=slug))


@bp.post(BASE + "/results")
@login_required
def publish_results(slug: str):
    competition = _competition(slug)
    contract = _contract(competition)
    form = ResultsForm()
    if not form.validate_on_submit():
        return _page(competition, 400, results_form=form)
    try:
        services.publish_results(contract, _officer(competition), form.summary.data)
    except DomainError as exc:
        refused(exc)
        return _page(competition, 409, results_form=form)
    db.session.commit()
    flash(_("The measured results are published on the results page."), "success")
    return redirect(url_for("contracts.manage", slug=slug))
