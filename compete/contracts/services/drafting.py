"""Drafting and signing the development contract (R5, R32, R33, R40, R49), and publishing its results."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from compete.accounts.models import User
from compete.audit.services import Actor, record
from compete.awards.gate import agreement_blocked, decision_of
from compete.awards.models import Complaint
from compete.competitions.models import Competition
from compete.competitions.permissions import can_manage_competition
from compete.competitions.services import transition_competition
from compete.competitions.states import CompetitionState
from compete.contracts import queries
from compete.contracts.models import Contract, Milestone, OutcomeMilestone
from compete.contracts.services.common import lock, positive_amount, required_text, within_ceiling
from compete.core.errors import DomainError
from compete.core.formatting import format_date_text
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now, to_oslo
from compete.extensions import db


def contract_blocked(competition: Competition, locale: str | None = None) -> str | None:
    """None when a contract may be drafted now, otherwise why not (R5, the winner, the gate)."""
    if not queries.announced_follow_on(competition):
        return str(_l("The call did not announce a follow-on contract, so there is no contract step (R5)."))
    if queries.contract_of(competition) is not None:
        return str(_l("This competition already has a development contract."))
    selection = queries.winner(competition)
    if selection is None:
        return str(_l("No final decision with a winner has been recorded yet."))
    return agreement_blocked(selection.stage, locale)


def create_contract(competition: Competition, actor: Actor, ceiling, *, locale: str | None = None) -> Contract:
    """Draft the contract with the winner: contractor, ceiling, and the call's IPR terms (R40)."""
    reason = contract_blocked(competition, locale)
    if reason is not None:
        raise DomainError(reason, code="blocked")
    ceiling = positive_amount(ceiling, _l("The ceiling"))
    if not competition.ipr_terms.strip():
        raise DomainError(_l("The call has no IPR terms to record on the contract (R40)."), code="ipr")
    selection = queries.winner(competition)
    organisation = selection.organisation
    contract = Contract(
        competition=competition,
        stage=selection.stage,
        organisation=organisation,
        contractor_name=organisation.name,
        contractor_registration=organisation.orgnr or organisation.foreign_registration or "",
        ceiling=ceiling,
        ipr_terms=competition.ipr_terms,
        created_by=actor.user,
    )
    db.session.add(contract)
    db.session.flush()
    record(
        actor,
        "contract.created",
        contract,
        competition=competition,
        after={
            "contractor": organisation.name,
            "registration": contract.contractor_registration,
            "ceiling": ceiling,
            "ipr_terms": contract.ipr_terms,
        },
    )
    return contract


def _require_draft(contract: Contract) -> None:
    if contract.is_signed:
        raise DomainError(
            _l("The contract is signed: its milestones and outcome milestones can no longer change (R49)."),
            code="signed",
        )


def add_milestone(
    contract: Contract, actor: Actor, description: str, amount, due_on: date, *, locale: str | None = None
) -> Milestone:
    """Add a milestone to the draft; all milestones together stay within the ceiling."""
    _require_draft(contract)
    description = required_text(description, _l("The description"))
    amount = positive_amount(amount, _l("The amount"))
    if not isinstance(due_on, date):
        raise DomainError(_l("The due date is required."), code="required")
    lock(contract)
    within_ceiling(contract, amount, locale)
    milestone = Milestone(
        contract=contract,
        position=max((m.position for m in contract.milestones), default=0) + 1,
        description=description,
        amount=amount,
        due_on=due_on,
    )
    db.session.add(milestone)
    db.session.flush()
    record(
        actor,
        "contract.milestone_added",
        milestone,
        competition=contract.competition_id,
        after={"position": milestone.position, "description": description, "amount": amount, "due_on": due_on},
    )
    return milestone


def add_outcome(
    contract: Contract,
    actor: Actor,
    *,
    definition: str,
    target_cohort: str,
    measure: str,
    threshold: str,
    data_source: str,
    verifier: User | None,
    window_from: date,
    window_to: date,
    price_per_outcome,
    cap,
) -> OutcomeMilestone:
    """Define an outcome milestone before signing (R49), naming an appointed, independent verifier."""
    _require_draft(contract)
    texts = {
        "definition": required_text(definition, _l("The definition")),
        "target_cohort": required_text(target_cohort, _l("The target cohort")),
        "measure": required_text(measure, _l("The measure")),
        "threshold": required_text(threshold, _l("The threshold")),
        "data_source": required_text(data_source, _l("The data source")),
    }
    price = positive_amount(price_per_outcome, _l("The price per outcome"))
    cap = positive_amount(cap, _l("The cap"))
    if cap > contract.ceiling:
        raise DomainError(_l("The cap cannot be higher than the contract's ceiling."), code="cap")
    if not isinstance(window_from, date) or not isinstance(window_to, date):
        raise DomainError(_l("The observation window needs a first and a last day."), code="window")
    if window_from > window_to:
        raise DomainError(_l("The observation window must start before it ends."), code="window")
    competition = contract.competition
    if verifier is None or not queries.is_verifier_of(verifier, competition):
        raise DomainError(_l("Name a verifier appointed for this competition (on the jury page)."), code="verifier")
    if any(m.organisation_id == contract.organisation_id for m in verifier.memberships):
        raise DomainError(_l("The verifier must be independent of the contractor."), code="verifier")
    if can_manage_competition(verifier, competition):
        raise DomainError(
            _l("An officer of this competition cannot be its verifier: the verifier is the independent party."),
            code="verifier",
        )
    outcome = OutcomeMilestone(
        contract=contract,
        position=max((o.position for o in contract.outcomes), default=0) + 1,
        verifier=verifier,
        window_from=window_from,
        window_to=window_to,
        price_per_outcome=price,
        cap=cap,
        **texts,
    )
    db.session.add(outcome)
    db.session.flush()
    record(
        actor,
        "contract.outcome_added",
        outcome,
        competition=competition,
        after={
            **texts,
            "verifier_id": verifier.id,
            "window_from": window_from,
            "window_to": window_to,
            "price_per_outcome": price,
            "cap": cap,
        },
    )
    return outcome


def sign_contract(contract: Contract, actor: Actor, signed_on: date, *, locale: str | None = None) -> None:
    """Record the signature. Never before the standstill ends or while a complaint waits (R32, R33)."""
    _require_draft(contract)
    reason = agreement_blocked(contract.stage, locale)
    if reason is not None:
        raise DomainError(reason, code="blocked")
    if not contract.milestones and not contract.outcomes:
        raise DomainError(_l("Add at least one milestone or outcome milestone before signing."), code="empty")
    if not isinstance(signed_on, date):
        raise DomainError(_l("The date of signing is required."), code="required")
    today = to_oslo(now()).date()
    if signed_on > today:
        raise DomainError(_l("The date of signing cannot be in the future."), code="date")
    decision = decision_of(contract.stage)
    # The signing day must come after the standstill's last day (R32) and not before the day the
    # last complaint was answered (R33).
    standstill_end = to_oslo(decision.standstill_ends_at).date()
    if signed_on <= standstill_end:
        raise DomainError(
            _l(
                "The contract cannot be signed before the standstill period ends (%(end)s).",
                end=format_date_text(decision.standstill_ends_at, locale),
            ),
            code="date",
        )
    answered = db.session.scalar(select(func.max(Complaint.responded_at)).where(Complaint.decision_id == decision.id))
    if answered is not None and signed_on < to_oslo(answered).date():
        raise DomainError(
            _l(
                "The contract cannot be signed before the last complaint was answered (%(date)s).",
                date=format_date_text(answered, locale),
            ),
            code="date",
        )
    within_ceiling(contract, 0, locale)
    contract.signed_on = signed_on
    contract.signed_at = now()
    contract.signed_by = actor.user
    db.session.flush()
    record(
        actor,
        "contract.signed",
        contract,
        competition=contract.competition,
        after={"signed_on": signed_on, "ceiling": contract.ceiling, "ipr_terms": contract.ipr_terms},
    )
    if contract.competition.state == CompetitionState.PUBLISHED:
        transition_competition(contract.competition, CompetitionState.CONTRACT, actor)


def publish_results(contract: Contract, actor: Actor, summary: str) -> None:
    """Show the verified outcomes and the officer's summary on the public results page."""
    if not contract.is_signed:
        raise DomainError(_l("Results can be published once the contract is signed."), code="unsigned")
    summary = required_text(summary, _l("The summary"))
    before = {"summary": contract.results_summary, "published_at": contract.results_published_at}
    contract.results_summary = summary
    contract.results_published_at = now()
    db.session.flush()
    record(
        actor,
        "contract.results_published",
        contract,
        competition=contract.competition,
        before=before,
        after={"summary": summary, "published_at": contract.results_published_at},
    )
