"""Factories for the contract step: a competition whose final stage has a winner, and contracts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from compete.accounts.models import Organisation, User
from compete.audit.services import Actor
from compete.awards.models import Complaint, Decision, Selection
from compete.competitions.models import Competition, CompetitionStaff, Stage
from compete.contracts import services
from compete.contracts.models import Contract, OutcomeMilestone
from compete.core.time import now, to_oslo
from compete.extensions import db
from tests.factories import make_officer, make_user
from tests.factories_competitions import make_setup


@dataclass
class ContractSetup:
    competition: Competition
    stage: Stage  # the final stage, decided
    decision: Decision
    officer: User
    buyer: Organisation
    winner: User
    winner_org: Organisation
    other_participant: User
    other_org: Organisation
    other_officer: User
    other_buyer: Organisation
    verifier: User
    functionary: User
    treasurer: User  # a second officer of the buyer: registers payments the officer approved (R37)

    @property
    def actor(self) -> Actor:
        return Actor(self.officer, self.buyer, "officer")

    @property
    def payer(self) -> Actor:
        return Actor(self.treasurer, self.buyer, "officer")


def make_decision(stage: Stage, officer: User, organisations, *, final: bool, standstill_left=timedelta(days=-1)):
    """A decision with notices sent; the standstill ends `standstill_left` from now (negative: over)."""
    moment = now()
    decision = Decision(
        stage=stage,
        decided_by=officer,
        decided_at=moment - timedelta(days=12),
        is_final=final,
        notices_sent_at=moment - timedelta(days=11),
        standstill_ends_at=moment + standstill_left,
    )
    db.session.add(decision)
    for rank, org in enumerate(organisations, start=1):
        db.session.add(Selection(stage=stage, organisation=org, decided_at=moment, decision=decision, rank=rank))
    db.session.flush()
    return decision


def make_winner_setup(
    *, standstill_left=timedelta(days=-1), follow_on: bool = True, complaint: bool = False, stages: int = 2
):
    """A two-stage competition (`stages=3`: plus a final solution-development stage): stage 1 selected
    the winner and the other participant, stage 2's final decision selected the winner. A verifier and
    a functionary are appointed."""
    s = make_setup(stages=stages)
    s.competition.follow_on_contract = follow_on
    if not follow_on:
        from compete.competitions.models import CallVersion

        for version in db.session.query(CallVersion).filter_by(competition_id=s.competition.id):
            version.snapshot = {**version.snapshot, "follow_on_contract": False}
    stage1, stage2 = s.competition.stages[:2]
    make_decision(stage1, s.officer, [s.participant_org, s.other_participant_org], final=False)
    decision = make_decision(stage2, s.officer, [s.participant_org], final=True, standstill_left=standstill_left)
    if complaint:
        db.session.add(Complaint(decision=decision, received_at=now() - timedelta(days=2), text="Urimelig"))
    verifier = make_user(name="Vera Verifikator")
    functionary = make_user(name="Fride Funksjonær")
    db.session.add(CompetitionStaff(competition=s.competition, user=verifier, role="verifier"))
    db.session.add(CompetitionStaff(competition=s.competition, user=functionary, role="functionary"))
    db.session.flush()
    return ContractSetup(
        competition=s.competition,
        stage=stage2,
        decision=decision,
        officer=s.officer,
        buyer=s.buyer,
        winner=s.participant,
        winner_org=s.participant_org,
        other_participant=s.other_participant,
        other_org=s.other_participant_org,
        other_officer=s.other_officer,
        other_buyer=s.other_buyer,
        verifier=verifier,
        functionary=functionary,
        treasurer=make_officer(s.buyer, name="Kari Kasserer"),
    )


def today():
    return to_oslo(now()).date()


def add_outcome(cs: ContractSetup, contract: Contract, *, price: int = 20_000, cap: int = 400_000, window_ended=True):
    end = today() - timedelta(days=10) if window_ended else today() + timedelta(days=30)
    return services.add_outcome(
        contract,
        cs.actor,
        definition="Ung person under 30 i arbeid eller utdanning 12 måneder etter oppstart",
        target_cohort="Unge 18–29 år i avklaringstiltak hos NAV Oslo",
        measure="Andel i arbeid eller utdanning",
        threshold="Minst 50 % stilling eller fulltidsstudium i 3 sammenhengende måneder",
        data_source="NAVs registerdata (Arena), aggregert",
        verifier=cs.verifier,
        window_from=end - timedelta(days=365),
        window_to=end,
        price_per_outcome=price,
        cap=cap,
    )


def make_contract(
    cs: ContractSetup,
    *,
    ceiling: int = 1_000_000,
    milestones=((100_000, "Prototype"), (200_000, "Pilot med 20 deltakere")),
    outcome: dict | None = None,
    sign: bool = True,
) -> tuple[Contract, OutcomeMilestone | None]:
    contract = services.create_contract(cs.competition, cs.actor, ceiling)
    for offset, (amount, description) in enumerate(milestones, start=1):
        services.add_milestone(contract, cs.actor, description, amount, today() + timedelta(days=30 * offset))
    made = add_outcome(cs, contract, **outcome) if outcome is not None else None
    if sign:
        services.sign_contract(contract, cs.actor, today())
    db.session.flush()
    return contract, made
