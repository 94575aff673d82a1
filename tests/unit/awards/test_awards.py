"""The award life cycle (R37): every move of the table, every forbidden move, and the preconditions."""

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select

from compete.audit.services import Actor
from compete.awards import queries, services
from compete.awards.models import StageAward
from compete.awards.states import ACTIONS, AWARD_TRANSITIONS, AwardState, next_actions
from compete.core.errors import DomainError
from compete.core.time import frozen_at, now
from compete.extensions import db
from compete.submissions import services as submission_services
from tests.factories_awards import decide_and_notify, make_ranked_stage, submit_deliverable, treasurer
from tests.factories_submissions import GOOD_CONTENT

ORDER = [
    AwardState.AWARDED,
    AwardState.AGREEMENT_SIGNED,
    AwardState.DELIVERED,
    AwardState.ACCEPTED,
    AwardState.PAYMENT_APPROVED,
    AwardState.PAID,
]


def test_table_is_the_documented_chain_plus_rejection():
    expected = set(itertools.pairwise(ORDER)) | {(AwardState.DELIVERED, AwardState.REJECTED)}
    assert set(AWARD_TRANSITIONS) == expected
    assert all(roles == frozenset({"officer"}) for roles in AWARD_TRANSITIONS.values())
    assert next_actions(AwardState.DELIVERED) == ["accept", "reject"]
    assert next_actions(AwardState.PAID) == [] and next_actions(AwardState.REJECTED) == []
    assert set(ACTIONS.values()) == {target for _source, target in AWARD_TRANSITIONS}


@pytest.fixture
def awarded(app):
    """Three 50 000 kr awards after notices; the clock stands after the standstill."""
    world = make_ranked_stage(entries=4)
    decision = decide_and_notify(world)
    awards = db.session.scalars(select(StageAward).where(StageAward.decision_id == decision.id)).all()
    with frozen_at(decision.standstill_ends_at + timedelta(seconds=1)):
        yield world, decision, awards


def _walk(award, world, until: AwardState, payer=None):
    for source, target in itertools.pairwise(ORDER):
        if source == until:
            return
        if target == AwardState.DELIVERED:
            submit_deliverable(world, award)
        actor = (payer or treasurer(world)) if target == AwardState.PAID else world.officer
        services.transition_award(award, target, actor, invoice_reference="INV-2026-001")


FORBIDDEN = [pair for pair in itertools.product(AwardState, AwardState) if pair not in AWARD_TRANSITIONS]


@pytest.mark.parametrize(("source", "target"), FORBIDDEN)
def test_every_move_outside_the_table_is_refused(awarded, source, target):
    world, _decision, awards = awarded
    award = awards[0]
    award.state = source  # arrange the source directly; the check happens before any write
    with pytest.raises(DomainError) as refused:
        services.transition_award(award, target, world.officer, invoice_reference="X", reason="x")
    assert refused.value.code == "transition"


def test_the_whole_way_to_paid_records_every_field(awarded):
    world, _decision, awards = awarded
    award = awards[0]
    payer = treasurer(world)
    _walk(award, world, AwardState.PAID, payer)
    assert award.state == AwardState.PAID
    assert award.delivered_on_time is True
    assert award.recipient_orgnr == award.organisation.orgnr
    assert award.invoice_reference == "INV-2026-001"
    assert award.payment_approved_by_id == world.setup.officer.id and award.paid_by_id == payer.user.id
    assert award.paid_at == now()
    assert queries.payments_per_stage(world.competition) == {
        world.stage.id: 50_000,
        world.competition.stages[1].id: 0,
    }


def test_only_officers_move_awards(awarded):
    world, _decision, awards = awarded
    participant = Actor(world.setup.user, world.setup.organisation, "participant")
    with pytest.raises(DomainError) as refused:
        services.transition_award(awards[0], AwardState.AGREEMENT_SIGNED, participant)
    assert refused.value.code == "forbidden"


def test_agreement_waits_for_the_standstill(app):
    world = make_ranked_stage(entries=4)
    decision = decide_and_notify(world)
    award = db.session.scalars(select(StageAward).where(StageAward.decision_id == decision.id)).first()
    with pytest.raises(DomainError) as refused:
        services.transition_award(award, AwardState.AGREEMENT_SIGNED, world.officer, locale="en")
    assert refused.value.code == "gate"
    assert "standstill" in str(refused.value.message)
    assert award.state == AwardState.AWARDED
    with frozen_at(decision.standstill_ends_at + timedelta(seconds=1)):
        services.transition_award(award, AwardState.AGREEMENT_SIGNED, world.officer)
    assert award.state == AwardState.AGREEMENT_SIGNED


def test_a_late_deliverable_cannot_be_accepted_for_payment_only_rejected(awarded):
    world, _decision, awards = awarded
    award = awards[1]
    _walk(award, world, AwardState.AGREEMENT_SIGNED)
    services.set_due_date(award, world.officer, world.competition.stages[1].opens_at)
    submit_deliverable(world, award, days=1)
    services.transition_award(award, AwardState.DELIVERED, world.officer)
    assert award.delivered_on_time is False
    with pytest.raises(DomainError) as refused:
        services.transition_award(award, AwardState.ACCEPTED, world.officer)
    assert refused.value.code == "late"
    with pytest.raises(DomainError) as no_reason:
        services.transition_award(award, AwardState.REJECTED, world.officer, reason=" ")
    assert no_reason.value.code == "reason"
    services.transition_award(award, AwardState.REJECTED, world.officer, reason="Levert etter fristen.")
    assert award.state == AwardState.REJECTED
    assert queries.payments_per_stage(world.competition)[world.stage.id] == 0


def test_deliverable_time_is_the_next_stage_submission_compared_with_its_deadline(awarded):
    world, _decision, awards = awarded
    award = awards[0]
    _walk(award, world, AwardState.AGREEMENT_SIGNED)
    stage2 = world.competition.stages[1]
    entry = next(e for e in world.entries if e.organisation_id == award.organisation_id)
    submitted_at = stage2.opens_at + timedelta(days=2)
    with frozen_at(submitted_at):
        submission = submission_services.start_submission(stage2, entry.created_by, entry.organisation, "")
        submission_services.save_draft(submission, entry.created_by, GOOD_CONTENT)
        submission_services.submit(submission, entry.created_by, "deliverable")
    services.transition_award(award, AwardState.DELIVERED, world.officer)
    assert award.delivered_at == submitted_at
    assert services.due_at(award) == stage2.deadline_at
    assert award.delivered_on_time is True


def test_a_stage_award_without_a_next_stage_entry_has_no_deliverable(awarded):
    world, _decision, awards = awarded
    award = awards[0]
    _walk(award, world, AwardState.AGREEMENT_SIGNED)
    with pytest.raises(DomainError) as refused:
        services.transition_award(award, AwardState.DELIVERED, world.officer)
    assert refused.value.code == "no_deliverable"
    assert award.state == AwardState.AGREEMENT_SIGNED and award.delivered_at is None
    # A draft that was never submitted is no deliverable either.
    stage2 = world.competition.stages[1]
    entry = next(e for e in world.entries if e.organisation_id == award.organisation_id)
    with frozen_at(stage2.opens_at + timedelta(days=1)):
        draft = submission_services.start_submission(stage2, entry.created_by, entry.organisation, "")
        submission_services.save_draft(draft, entry.created_by, GOOD_CONTENT)
    with pytest.raises(DomainError) as still_refused:
        services.transition_award(award, AwardState.DELIVERED, world.officer)
    assert still_refused.value.code == "no_deliverable"
    assert award.state == AwardState.AGREEMENT_SIGNED


def test_approval_needs_an_invoice_reference(awarded):
    world, _decision, awards = awarded
    award = awards[2]
    _walk(award, world, AwardState.ACCEPTED)
    with pytest.raises(DomainError) as refused:
        services.transition_award(award, AwardState.PAYMENT_APPROVED, world.officer, invoice_reference="")
    assert refused.value.code == "invoice"
