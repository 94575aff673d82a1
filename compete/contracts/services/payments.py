"""Milestones and outcome claims through their life cycles (states.py), with the ceiling kept (R37, R49, R50).

One transition function per life cycle: check the table and the role → check the domain rule →
mutate → audit → queue e-mail."""

from __future__ import annotations

import io
import uuid
from datetime import date

from sqlalchemy import select

from compete.accounts.models import Organisation, User
from compete.accounts.orgnr import InvalidOrgnr, normalise_orgnr
from compete.audit.services import Actor, record
from compete.awards.four_eyes import require_second_pair_of_eyes
from compete.competitions.queries import officers_of
from compete.contracts import evidence, permissions, queries
from compete.contracts.models import Claim, Contract, Milestone, OutcomeMilestone
from compete.contracts.services.common import lock, required_text, tell, within_ceiling
from compete.contracts.states import CLAIM_TRANSITIONS, MILESTONE_TRANSITIONS, ClaimState, MilestoneState, check_move
from compete.core.errors import DomainError
from compete.core.formatting import format_date_text, format_nok
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now, to_oslo
from compete.extensions import db
from compete.storage.backends import StorageError, get_storage


def outcome_amount(verified_count: int, price: int, cap_left: int, ceiling_left: int) -> int:
    """min(verified × price, what is left of the cap, what is left of the ceiling), never below 0."""
    return max(0, min(verified_count * price, cap_left, ceiling_left))


def _require_role(role: str, user: User, contract: Contract, outcome: OutcomeMilestone | None = None) -> None:
    """The role the caller claims must be true of the user (defence in depth behind the views)."""
    ok = {
        "officer": lambda: permissions.can_manage_contract(user, contract.competition),
        "contractor": lambda: permissions.is_contractor(user, contract),
        "verifier": lambda: outcome is not None and permissions.is_named_verifier(user, outcome),
    }.get(role, lambda: False)()
    if not ok:
        raise DomainError(_l("You may not take this step."), code="forbidden")


def _require_signed(contract: Contract) -> None:
    if not contract.is_signed:
        raise DomainError(_l("The contract has not been signed yet."), code="unsigned")


def _payment(contract: Contract, invoice_reference: str, recipient: str, paid_on, locale) -> tuple[str, str, date]:
    """R37: invoice reference, the recipient's organisation number (the contractor's) and the date."""
    invoice = required_text(invoice_reference, _l("The invoice reference"))
    registration = (recipient or "").strip()
    if contract.organisation.orgnr:
        try:
            registration = normalise_orgnr(registration)
        except InvalidOrgnr:
            registration = ""
    if registration != contract.contractor_registration:
        raise DomainError(
            _l(
                "The recipient must be the contractor, %(name)s (%(number)s).",
                name=contract.contractor_name,
                number=contract.contractor_registration,
            ),
            code="recipient",
        )
    if not isinstance(paid_on, date):
        raise DomainError(_l("The payment date is required."), code="required")
    if paid_on > to_oslo(now()).date():
        raise DomainError(_l("The payment date cannot be in the future."), code="date")
    if contract.signed_on and paid_on < contract.signed_on:
        raise DomainError(_l("The payment date cannot be before the contract was signed."), code="date")
    return invoice, registration, paid_on


def _record_payment(row, contract, actor, moment, invoice_reference, recipient_orgnr, paid_on, locale) -> dict:
    """Set the payment fields (R37) on a milestone or a claim; returns what the audit entry records.
    The officer who approved the payment may not register it as paid when the buyer asks for four eyes."""
    require_second_pair_of_eyes(contract.competition, row.approved_by_id, actor)
    invoice, registration, day = _payment(contract, invoice_reference, recipient_orgnr, paid_on, locale)
    row.invoice_reference, row.recipient_orgnr, row.paid_on = invoice, registration, day
    row.paid_recorded_at, row.paid_by_id = moment, actor.user.id
    return {
        "amount": row.amount,
        "invoice_reference": invoice,
        "recipient_orgnr": registration,
        "paid_on": day,
        "approver_id": row.approved_by_id,
    }


def transition_milestone(
    milestone: Milestone,
    target: MilestoneState,
    actor: Actor,
    role: str,
    *,
    note: str = "",
    invoice_reference: str = "",
    recipient_orgnr: str = "",
    paid_on: date | None = None,
    locale: str | None = None,
) -> None:
    """Move a milestone: delivered (contractor or officer), returned, accepted, payment approved, paid."""
    contract = milestone.contract
    _require_signed(contract)
    check_move(MILESTONE_TRANSITIONS, milestone.state, target, role)
    _require_role(role, actor.user, contract)
    before = {"state": milestone.state}
    after: dict = {"state": target}
    moment = now()
    if target == MilestoneState.DELIVERED:
        milestone.delivered_at = moment
        milestone.delivery_note = (note or "").strip()
        after["note"] = milestone.delivery_note
    elif target == MilestoneState.PLANNED:
        after["reason"] = required_text(note, _l("The reason"))
        milestone.delivered_at = None
    elif target == MilestoneState.ACCEPTED:
        milestone.accepted_at, milestone.accepted_by_id = moment, actor.user.id
    elif target == MilestoneState.PAYMENT_APPROVED:
        lock(contract)
        within_ceiling(contract, 0, locale)
        milestone.approved_at, milestone.approved_by_id = moment, actor.user.id
        after["amount"] = milestone.amount
    elif target == MilestoneState.PAID:
        after.update(
            _record_payment(milestone, contract, actor, moment, invoice_reference, recipient_orgnr, paid_on, locale)
        )
    milestone.state = target
    db.session.flush()
    record(
        actor,
        f"contract.milestone_{target.value}",
        milestone,
        competition=contract.competition,
        before=before,
        after=after,
    )
    if target == MilestoneState.DELIVERED:
        tell(
            "milestone_delivered",
            officers_of(contract.competition),
            contract.competition,
            milestone=milestone,
            contract=contract,
        )
    elif target == MilestoneState.PAID:
        tell(
            "payment_recorded",
            queries.contractor_members(contract),
            contract.competition,
            contract=contract,
            what=milestone.description,
            amount=milestone.amount,
            invoice_reference=milestone.invoice_reference,
            paid_on=milestone.paid_on,
        )


def submit_claim(
    outcome: OutcomeMilestone,
    user: User,
    organisation: Organisation | None,
    claimed_count,
    statement: str,
    *,
    filename: str | None = None,
    data: bytes | None = None,
    locale: str | None = None,
) -> Claim:
    """The contractor claims outcomes counted over the window, with aggregated evidence only (R50)."""
    contract = outcome.contract
    _require_signed(contract)
    _require_role("contractor", user, contract)
    if isinstance(claimed_count, bool) or not isinstance(claimed_count, int) or claimed_count < 0:
        raise DomainError(_l("The number of outcomes must be a whole number, 0 or more."), code="count")
    statement = required_text(statement, _l("The statement"))
    if to_oslo(now()).date() <= outcome.window_to:
        raise DomainError(
            _l(
                "The observation window runs until %(end)s; claim after it has ended.",
                end=format_date_text(outcome.window_to, locale),
            ),
            code="window",
        )
    open_claim = db.session.scalars(
        select(Claim.id).where(
            Claim.outcome_id == outcome.id, Claim.state.in_([ClaimState.SUBMITTED, ClaimState.VERIFIED])
        )
    ).first()
    if open_claim is not None:
        raise DomainError(_l("A claim for this outcome is already being handled."), code="open_claim")
    if queries.outcome_committed(outcome) >= outcome.cap:
        raise DomainError(
            _l("The cap of %(cap)s for this outcome has been reached.", cap=format_nok(outcome.cap, locale)),
            code="cap",
        )
    _refuse_personal_data(statement)
    stored = _store_evidence(contract, filename or "evidence", data) if data else {}
    claim = Claim(
        outcome_id=outcome.id,
        number=max((c.number for c in outcome.claims), default=0) + 1,
        submitted_by_id=user.id,
        submitted_at=now(),
        claimed_count=claimed_count,
        statement=statement,
        **stored,
    )
    db.session.add(claim)
    db.session.flush()
    db.session.refresh(outcome, ["claims"])
    record(
        Actor(user, organisation, "contractor"),
        "contract.claim_submitted",
        claim,
        competition=contract.competition,
        after={
            "outcome": outcome.position,
            "claimed_count": claimed_count,
            "evidence_sha256": claim.evidence_sha256,
        },
    )
    tell("claim_submitted", [outcome.verifier], contract.competition, claim=claim, outcome=outcome, contract=contract)
    return claim


def _refuse_personal_data(text: str) -> None:
    found = evidence.personal_data_found(text)
    if "national_id" in found:
        raise DomainError(
            _l(
                "The evidence seems to contain a national identity number. Send only aggregated, "
                "pseudonymised numbers, never data about individuals."
            ),
            code="personal_data",
        )
    if "email" in found:
        raise DomainError(
            _l("The evidence contains an e-mail address. Send only aggregated, pseudonymised numbers."),
            code="personal_data",
        )


def _store_evidence(contract: Contract, filename: str, data: bytes) -> dict:
    if len(data) > evidence.MAX_EVIDENCE_BYTES:
        raise DomainError(_l("The evidence file is larger than 10 MB."), code="size")
    kind = evidence.detect_evidence_type(data)
    if kind is None:
        raise DomainError(
            _l("The evidence file must be PDF, Excel (XLSX), Word (DOCX), CSV or plain text."), code="type"
        )
    _refuse_personal_data(evidence.evidence_text(data, kind))
    key = f"contracts/{contract.id}/claims/{uuid.uuid4().hex}.{kind}"
    try:
        get_storage().save(key, io.BytesIO(data), evidence.CONTENT_TYPES[kind])
    except StorageError as exc:
        raise DomainError(_l("The file could not be stored right now. Try again later."), code="storage") from exc
    return {
        "evidence_filename": evidence.safe_filename(filename, kind),
        "evidence_content_type": evidence.CONTENT_TYPES[kind],
        "evidence_size": len(data),
        "evidence_sha256": evidence.files.sha256(data),
        "evidence_storage_key": key,
    }


def transition_claim(
    claim: Claim,
    target: ClaimState,
    actor: Actor,
    role: str,
    *,
    verified_count=None,
    note: str = "",
    invoice_reference: str = "",
    recipient_orgnr: str = "",
    paid_on: date | None = None,
    locale: str | None = None,
) -> None:
    """Move a claim: verified or rejected by the named verifier only, then approved and paid by an officer."""
    outcome = claim.outcome
    contract = outcome.contract
    competition = contract.competition
    check_move(CLAIM_TRANSITIONS, claim.state, target, role)
    _require_role(role, actor.user, contract, outcome)
    before = {"state": claim.state}
    after: dict = {"state": target}
    moment = now()
    if target in (ClaimState.VERIFIED, ClaimState.REJECTED) and any(
        m.organisation_id == contract.organisation_id for m in actor.user.memberships
    ):
        # R49: a verifier who has since joined the contractor is no longer independent.
        raise DomainError(_l("The verifier must be independent of the contractor."), code="independent")
    if target == ClaimState.VERIFIED:
        if isinstance(verified_count, bool) or not isinstance(verified_count, int) or verified_count < 0:
            raise DomainError(_l("The verified number must be a whole number, 0 or more."), code="count")
        if verified_count > claim.claimed_count:
            raise DomainError(_l("The verified number cannot be higher than the number claimed."), code="count")
        claim.verified_count = verified_count
        claim.verifier_note = (note or "").strip()
        claim.verified_at, claim.verified_by_id = moment, actor.user.id
        after.update(verified_count=verified_count, note=claim.verifier_note)
    elif target == ClaimState.REJECTED:
        claim.verifier_note = required_text(note, _l("The reason"))
        claim.verified_at, claim.verified_by_id = moment, actor.user.id
        after["note"] = claim.verifier_note
    elif target == ClaimState.APPROVED:
        if claim.verified_by_id == actor.user.id:
            raise DomainError(
                _l("The person who verified the claim cannot also approve its payment (R49)."), code="independent"
            )
        lock(contract)
        totals = queries.totals(contract)
        amount = outcome_amount(
            claim.verified_count,
            outcome.price_per_outcome,
            outcome.cap - queries.outcome_committed(outcome),
            totals.remaining,
        )
        if amount <= 0:
            raise DomainError(
                _l("Nothing can be paid for this claim: no verified outcomes, or the cap or the ceiling is used up."),
                code="ceiling",
            )
        within_ceiling(contract, amount, locale)
        claim.amount = amount
        claim.approved_at, claim.approved_by_id = moment, actor.user.id
        after.update(amount=amount, verified_count=claim.verified_count, price=outcome.price_per_outcome)
    elif target == ClaimState.PAID:
        after.update(
            _record_payment(claim, contract, actor, moment, invoice_reference, recipient_orgnr, paid_on, locale)
        )
    claim.state = target
    db.session.flush()
    record(actor, f"contract.claim_{target.value}", claim, competition=competition, before=before, after=after)
    context = {"claim": claim, "outcome": outcome, "contract": contract}
    if target == ClaimState.VERIFIED:
        tell("claim_verified", officers_of(competition), competition, **context)
    elif target == ClaimState.REJECTED:
        tell("claim_rejected", queries.contractor_members(contract), competition, **context)
    elif target == ClaimState.PAID:
        tell(
            "payment_recorded",
            queries.contractor_members(contract),
            competition,
            contract=contract,
            what=outcome.definition,
            amount=claim.amount,
            invoice_reference=claim.invoice_reference,
            paid_on=claim.paid_on,
        )


def record_evidence_download(claim: Claim, user: User) -> None:
    """Every look at the evidence is logged (R41, R50)."""
    record(
        Actor(user, None, "verifier"),
        "contract.evidence_downloaded",
        claim,
        competition=claim.outcome.contract.competition_id,
        after={"sha256": claim.evidence_sha256},
    )
