"""Reads for the contract step: the winner, the contract, totals against the ceiling, who is told."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from compete.accounts.models import Membership, User
from compete.awards.models import Decision, Selection
from compete.competitions.models import CallVersion, Competition, CompetitionStaff, Stage
from compete.contracts.models import Claim, Contract, Milestone, OutcomeMilestone
from compete.contracts.states import ClaimState, MilestoneState
from compete.core import navflags
from compete.extensions import db


def final_decision_stage(competition: Competition) -> Stage | None:
    """The last stage (by position) whose decision is final: its selection is the winner."""
    return db.session.scalars(
        select(Stage)
        .join(Decision, Decision.stage_id == Stage.id)
        .where(Stage.competition_id == competition.id, Decision.is_final.is_(True))
        .order_by(Stage.position.desc())
        .limit(1)
    ).first()


def winner(competition: Competition) -> Selection | None:
    """The selection of the final decision with the best rank (the one winner)."""
    stage = final_decision_stage(competition)
    if stage is None:
        return None
    return db.session.scalars(
        select(Selection)
        .join(Decision, Selection.decision_id == Decision.id)
        .where(Selection.stage_id == stage.id, Decision.is_final.is_(True))
        .order_by(Selection.rank.is_(None), Selection.rank, Selection.id)
        .limit(1)
    ).first()


def announced_follow_on(competition: Competition) -> bool:
    """R5: what the call said about a follow-on contract when it was published (version 1),
    or the call itself when no version was recorded."""
    first = db.session.scalars(
        select(CallVersion).where(CallVersion.competition_id == competition.id, CallVersion.number == 1)
    ).first()
    if first is not None and "follow_on_contract" in (first.snapshot or {}):
        return bool(first.snapshot["follow_on_contract"])
    return bool(competition.follow_on_contract)


def contract_of(competition: Competition) -> Contract | None:
    return db.session.scalars(
        select(Contract)
        .where(Contract.competition_id == competition.id)
        .options(
            selectinload(Contract.milestones),
            selectinload(Contract.outcomes).selectinload(OutcomeMilestone.claims),
        )
    ).first()


def contract_by_id(contract_id: int) -> Contract | None:
    return db.session.get(Contract, contract_id)


def milestone_of(contract: Contract, milestone_id: int) -> Milestone | None:
    milestone = db.session.get(Milestone, milestone_id)
    return milestone if milestone is not None and milestone.contract_id == contract.id else None


def outcome_of(contract: Contract, outcome_id: int) -> OutcomeMilestone | None:
    outcome = db.session.get(OutcomeMilestone, outcome_id)
    return outcome if outcome is not None and outcome.contract_id == contract.id else None


def claim_by_id(claim_id: int) -> Claim | None:
    return db.session.get(Claim, claim_id)


@dataclass(frozen=True)
class Totals:
    """Money on a contract, in whole kroner. `committed` never exceeds `ceiling`."""

    ceiling: int
    milestones: int  # every milestone's amount is committed once it is in the contract
    outcomes: int  # approved or paid outcome payments
    paid: int

    @property
    def committed(self) -> int:
        return self.milestones + self.outcomes

    @property
    def remaining(self) -> int:
        return self.ceiling - self.committed


def totals(contract: Contract) -> Totals:
    milestones = db.session.scalars(select(Milestone).where(Milestone.contract_id == contract.id)).all()
    claims = db.session.scalars(
        select(Claim)
        .join(OutcomeMilestone, Claim.outcome_id == OutcomeMilestone.id)
        .where(OutcomeMilestone.contract_id == contract.id, Claim.state.in_([ClaimState.APPROVED, ClaimState.PAID]))
    ).all()
    paid = sum(m.amount for m in milestones if m.state == "paid") + sum(c.amount for c in claims if c.state == "paid")
    return Totals(
        ceiling=contract.ceiling,
        milestones=sum(m.amount for m in milestones),
        outcomes=sum(c.amount for c in claims),
        paid=paid,
    )


def outcome_committed(outcome: OutcomeMilestone) -> int:
    """What has been approved or paid on one outcome milestone (counts against its cap)."""
    return sum(
        db.session.scalars(
            select(Claim.amount).where(
                Claim.outcome_id == outcome.id, Claim.state.in_([ClaimState.APPROVED, ClaimState.PAID])
            )
        ).all()
    )


def verifiers_of(competition: Competition) -> list[User]:
    """The competition's appointed verifiers (CompetitionStaff role "verifier")."""
    return list(
        db.session.scalars(
            select(User)
            .join(CompetitionStaff, CompetitionStaff.user_id == User.id)
            .where(CompetitionStaff.competition_id == competition.id, CompetitionStaff.role == "verifier")
            .order_by(User.name, User.id)
        )
    )


def is_verifier_of(user: User, competition: Competition) -> bool:
    return (
        db.session.scalars(
            select(CompetitionStaff.id).where(
                CompetitionStaff.competition_id == competition.id,
                CompetitionStaff.user_id == user.id,
                CompetitionStaff.role == "verifier",
            )
        ).first()
        is not None
    )


def contractor_members(contract: Contract) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == contract.organisation_id)
            .order_by(User.id)
        )
    )


def contracts_for(user: User) -> list[Contract]:
    """Contracts of the organisations the user is a member of."""
    org_ids = select(Membership.organisation_id).where(Membership.user_id == user.id)
    return list(
        db.session.scalars(
            select(Contract)
            .where(Contract.organisation_id.in_(org_ids))
            .options(selectinload(Contract.competition))
            .order_by(Contract.id)
        )
    )


def claims_to_verify(user: User) -> list[Claim]:
    """Claims on outcome milestones that name `user` as verifier, newest first, with what the list shows."""
    return list(
        db.session.scalars(
            select(Claim)
            .join(OutcomeMilestone, Claim.outcome_id == OutcomeMilestone.id)
            .where(OutcomeMilestone.verifier_id == user.id)
            .options(
                selectinload(Claim.outcome).selectinload(OutcomeMilestone.contract).selectinload(Contract.competition)
            )
            .order_by(Claim.state != ClaimState.SUBMITTED, Claim.submitted_at.desc(), Claim.id.desc())
        )
    )


def published_contract(competition: Competition) -> Contract | None:
    contract = contract_of(competition)
    if contract is None or contract.results_published_at is None:
        return None
    return contract


def _contracts_of(user_id: int):
    member_of = select(Membership.organisation_id).where(Membership.user_id == user_id)
    return select(Contract.id).where(Contract.organisation_id.in_(member_of))


def _verifier_seats(user_id: int):
    return select(CompetitionStaff.id).where(CompetitionStaff.user_id == user_id, CompetitionStaff.role == "verifier")


navflags.register("contracts", _contracts_of)
navflags.register("verifier", _verifier_seats)


@dataclass(frozen=True)
class ContractFacts:
    """What the officer's cockpit needs from the contract, in three queries."""

    contract: Contract | None
    milestones: dict[MilestoneState, int]  # state -> count
    overdue_milestones: int  # planned, due before `today`
    claims: dict[ClaimState, int]  # state -> count


def cockpit_facts(competition: Competition, today) -> ContractFacts:
    contract = db.session.scalars(select(Contract).where(Contract.competition_id == competition.id)).first()
    if contract is None:
        return ContractFacts(None, {}, 0, {})
    milestones: dict[MilestoneState, int] = {}
    overdue = 0
    for state, count, past_due in db.session.execute(
        select(
            Milestone.state,
            func.count(Milestone.id),
            func.coalesce(func.sum(case((Milestone.due_on < today, 1), else_=0)), 0),
        )
        .where(Milestone.contract_id == contract.id)
        .group_by(Milestone.state)
    ):
        state = MilestoneState(state)
        milestones[state] = count
        if state == MilestoneState.PLANNED:
            overdue = int(past_due)
    claims = {
        ClaimState(state): count
        for state, count in db.session.execute(
            select(Claim.state, func.count(Claim.id))
            .join(OutcomeMilestone, OutcomeMilestone.id == Claim.outcome_id)
            .where(OutcomeMilestone.contract_id == contract.id)
            .group_by(Claim.state)
        )
    }
    return ContractFacts(contract, milestones, overdue, claims)
