"""Four eyes on money (R37, R49): who approved a payment may not register it as paid, for stage
awards, contract milestones and outcome claims; each buyer decides, on by default."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from compete.audit.models import AuditEntry
from compete.audit.services import Actor
from compete.awards import services
from compete.awards.four_eyes import set_payments_four_eyes
from compete.awards.models import StageAward
from compete.awards.states import AwardState
from compete.contracts import services as contract_services
from compete.contracts.states import ClaimState, MilestoneState
from compete.core.errors import DomainError
from compete.core.time import frozen_at
from compete.extensions import db
from tests.factories import make_org
from tests.factories_awards import decide_and_notify, make_ranked_stage, submit_deliverable, treasurer
from tests.factories_contracts import make_contract, make_winner_setup, today


def _approved_award():
    world = make_ranked_stage(entries=4)
    decision = decide_and_notify(world)
    award = db.session.scalars(select(StageAward).where(StageAward.decision_id == decision.id)).first()
    return world, decision, award


def _approve(world, award):
    services.transition_award(award, AwardState.AGREEMENT_SIGNED, world.officer)
    submit_deliverable(world, award)
    for target in (AwardState.DELIVERED, AwardState.ACCEPTED):
        services.transition_award(award, target, world.officer)
    services.transition_award(award, AwardState.PAYMENT_APPROVED, world.officer, invoice_reference="F-1")


def test_new_buyers_ask_for_four_eyes(app):
    assert make_org(buyer=True).payments_four_eyes is True


def test_the_approver_of_a_stage_award_cannot_register_it_as_paid(app):
    world, decision, award = _approved_award()
    with frozen_at(decision.standstill_ends_at + timedelta(seconds=1)):
        _approve(world, award)
        with pytest.raises(DomainError) as refused:
            services.transition_award(award, AwardState.PAID, world.officer)
        assert refused.value.code == "four_eyes"
        assert (award.state, award.paid_by_id) == (AwardState.PAYMENT_APPROVED, None)
        payer = treasurer(world)
        services.transition_award(award, AwardState.PAID, payer)
    assert (award.state, award.payment_approved_by_id, award.paid_by_id) == (
        AwardState.PAID,
        world.setup.officer.id,
        payer.user.id,
    )


def test_a_buyer_that_turned_four_eyes_off_lets_the_approver_pay(app):
    world, decision, award = _approved_award()
    buyer = world.setup.buyer
    set_payments_four_eyes(buyer, False, Actor(world.setup.officer, buyer, "owner"))
    with frozen_at(decision.standstill_ends_at + timedelta(seconds=1)):
        _approve(world, award)
        services.transition_award(award, AwardState.PAID, world.officer)
    assert (award.payment_approved_by_id, award.paid_by_id) == (world.setup.officer.id, world.setup.officer.id)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "organisation.payments_four_eyes")).one()
    assert (entry.before, entry.after) == ({"payments_four_eyes": True}, {"payments_four_eyes": False})


def test_only_a_buyer_has_the_setting(app):
    participant_org = make_org()
    with pytest.raises(DomainError) as refused:
        set_payments_four_eyes(participant_org, False, Actor(None, participant_org, "owner"))
    assert refused.value.code == "buyer"
    assert participant_org.payments_four_eyes is True


def test_the_approver_of_a_milestone_cannot_register_it_as_paid(app):
    cs = make_winner_setup()
    contract, _ = make_contract(cs, milestones=((100_000, "A"),))
    milestone = contract.milestones[0]
    for target in (MilestoneState.DELIVERED, MilestoneState.ACCEPTED, MilestoneState.PAYMENT_APPROVED):
        contract_services.transition_milestone(milestone, target, cs.actor, "officer")
    payment = {"invoice_reference": "F-1", "recipient_orgnr": cs.winner_org.orgnr, "paid_on": today()}
    with pytest.raises(DomainError) as refused:
        contract_services.transition_milestone(milestone, MilestoneState.PAID, cs.actor, "officer", **payment)
    assert refused.value.code == "four_eyes"
    assert (milestone.state, milestone.paid_by_id) == (MilestoneState.PAYMENT_APPROVED, None)
    contract_services.transition_milestone(milestone, MilestoneState.PAID, cs.payer, "officer", **payment)
    assert (milestone.state, milestone.approved_by_id, milestone.paid_by_id) == (
        MilestoneState.PAID,
        cs.officer.id,
        cs.treasurer.id,
    )


def test_the_approver_of_a_claim_cannot_register_it_as_paid(app):
    cs = make_winner_setup()
    _contract, outcome = make_contract(cs, milestones=(), outcome={})
    claim = contract_services.submit_claim(outcome, cs.winner, cs.winner_org, 5, "5 av 60 i arbeid")
    contract_services.transition_claim(
        claim, ClaimState.VERIFIED, Actor(cs.verifier, None, "verifier"), "verifier", verified_count=5
    )
    contract_services.transition_claim(claim, ClaimState.APPROVED, cs.actor, "officer")
    payment = {"invoice_reference": "F-2", "recipient_orgnr": cs.winner_org.orgnr, "paid_on": today()}
    with pytest.raises(DomainError) as refused:
        contract_services.transition_claim(claim, ClaimState.PAID, cs.actor, "officer", **payment)
    assert refused.value.code == "four_eyes"
    assert claim.state == ClaimState.APPROVED
    contract_services.transition_claim(claim, ClaimState.PAID, cs.payer, "officer", **payment)
    assert (claim.state, claim.approved_by_id, claim.paid_by_id) == (ClaimState.PAID, cs.officer.id, cs.treasurer.id)
