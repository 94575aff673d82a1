"""Contract services: the gate (R32, R33), R5, R40, R49, R50, the amount formula and the ceiling."""

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from compete.accounts.models import MemberRole, Membership
from compete.audit.models import AuditEntry
from compete.audit.services import Actor
from compete.awards.models import Complaint
from compete.competitions.models import CompetitionStaff
from compete.contracts import queries, services
from compete.contracts.models import Claim
from compete.contracts.states import ClaimState, MilestoneState
from compete.core.errors import DomainError
from compete.core.time import frozen_at, now, oslo_to_utc
from compete.extensions import db
from tests.factories_contracts import add_outcome, make_contract, make_winner_setup, today


def _refused(fn, *args, code=None, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as exc:
        fn(*args, **kwargs)
    if code is not None:
        assert exc.value.code == code
    return exc.value


def _pay_milestone(cs, milestone):
    for target in (MilestoneState.DELIVERED, MilestoneState.ACCEPTED, MilestoneState.PAYMENT_APPROVED):
        services.transition_milestone(milestone, target, cs.actor, "officer")
    services.transition_milestone(
        milestone,
        MilestoneState.PAID,
        cs.payer,
        "officer",
        invoice_reference="F-1",
        recipient_orgnr=cs.winner_org.orgnr,
        paid_on=today(),
    )


def _verified_claim(cs, outcome, claimed: int, verified: int) -> Claim:
    claim = services.submit_claim(outcome, cs.winner, cs.winner_org, claimed, f"{claimed} av 60 i arbeid")
    services.transition_claim(
        claim, ClaimState.VERIFIED, Actor(cs.verifier, None, "verifier"), "verifier", verified_count=verified
    )
    return claim


# --- creating and signing ---------------------------------------------------------------------


def test_contract_records_the_winner_ceiling_and_ipr_terms_kept_after_an_amendment(app):
    cs = make_winner_setup()
    contract = services.create_contract(cs.competition, cs.actor, 900_000)
    original_terms = cs.competition.ipr_terms
    cs.competition.ipr_terms = "Changed later by an amendment"
    db.session.flush()
    assert (contract.organisation, contract.contractor_registration, contract.ceiling) == (
        cs.winner_org,
        cs.winner_org.orgnr,
        900_000,
    )
    assert contract.ipr_terms == original_terms  # R40
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "contract.created")).one()
    assert entry.after["ceiling"] == 900_000 and entry.after["ipr_terms"] == original_terms


def test_no_contract_without_an_announced_follow_on_contract(app):
    cs = make_winner_setup(follow_on=False)
    with force_locale("en"):
        error = _refused(services.create_contract, cs.competition, cs.actor, 900_000, code="blocked")
    assert "R5" in str(error.message)


def test_the_call_at_publication_decides_r5_not_a_later_change(app):
    cs = make_winner_setup(follow_on=False)
    cs.competition.follow_on_contract = True  # changed after publication: version 1 still says no
    _refused(services.create_contract, cs.competition, cs.actor, 900_000, code="blocked")


def test_gate_blocks_during_standstill_and_until_a_complaint_is_answered(app):
    cs = make_winner_setup(standstill_left=timedelta(days=3))
    with force_locale("en"):
        error = _refused(services.create_contract, cs.competition, cs.actor, 900_000, code="blocked", locale="en")
    assert "standstill" in str(error.message)
    with frozen_at(now() + timedelta(days=3)):
        contract = services.create_contract(cs.competition, cs.actor, 900_000)
    assert contract.id is not None

    cs2 = make_winner_setup(complaint=True)
    with force_locale("en"):
        error = _refused(services.create_contract, cs2.competition, cs2.actor, 900_000, code="blocked", locale="en")
    assert "complaint" in str(error.message)


def test_no_winner_no_contract_and_only_one_contract(app):
    cs = make_winner_setup()
    cs.decision.is_final = False
    db.session.flush()
    with force_locale("en"):
        refused = _refused(services.create_contract, cs.competition, cs.actor, 1, code="blocked")
        assert "No final decision" in refused.message
    cs.decision.is_final = True
    db.session.flush()
    services.create_contract(cs.competition, cs.actor, 900_000)
    _refused(services.create_contract, cs.competition, cs.actor, 900_000, code="blocked")


def test_signing_needs_the_gate_a_date_after_the_standstill_and_locks_outcomes(app):
    cs = make_winner_setup()
    contract, _ = make_contract(cs, sign=False)
    _refused(services.sign_contract, contract, cs.actor, today() + timedelta(days=1), code="date")
    _refused(services.sign_contract, contract, cs.actor, today() - timedelta(days=5), code="date")
    services.sign_contract(contract, cs.actor, today())
    assert contract.is_signed and cs.competition.state.value == "contract"
    # R49: outcome milestones are defined before the contract; nothing changes after signing.
    _refused(add_outcome, cs, contract, code="signed")
    _refused(services.add_milestone, contract, cs.actor, "Mer", 1_000, today(), code="signed")


def test_signing_day_must_follow_the_last_standstill_day(app):
    """The standstill ends 23:59:59 Oslo time on its last day: that day is still inside it (R32)."""
    with frozen_at(datetime(2026, 6, 10, 10, 0, tzinfo=UTC)):  # 12:00 in Oslo
        cs = make_winner_setup()
        contract, _ = make_contract(cs, sign=False)
        cs.decision.standstill_ends_at = oslo_to_utc(datetime(2026, 6, 9, 23, 59, 59))
        db.session.flush()
        _refused(services.sign_contract, contract, cs.actor, date(2026, 6, 9), code="date")
        assert not contract.is_signed
        services.sign_contract(contract, cs.actor, date(2026, 6, 10))
    assert contract.signed_on == date(2026, 6, 10)


def test_signing_day_is_not_before_the_last_complaint_was_answered(app):
    """A complaint answered after the standstill: the contract cannot be dated before the answer (R33)."""
    with frozen_at(datetime(2026, 6, 20, 10, 0, tzinfo=UTC)):
        cs = make_winner_setup(complaint=True)
        cs.decision.standstill_ends_at = oslo_to_utc(datetime(2026, 6, 9, 23, 59, 59))
        complaint = db.session.scalars(select(Complaint).where(Complaint.decision_id == cs.decision.id)).one()
        complaint.response = "Vurderingen står."
        complaint.responded_at = oslo_to_utc(datetime(2026, 6, 15, 9, 0))
        db.session.flush()
        contract, _ = make_contract(cs, sign=False)
        for early in (date(2026, 6, 10), date(2026, 6, 14)):
            refused = _refused(services.sign_contract, contract, cs.actor, early, code="date")
            assert "klagen ble besvart (15. juni 2026)" in str(refused.message)
        assert not contract.is_signed
        services.sign_contract(contract, cs.actor, date(2026, 6, 15))
    assert contract.signed_on == date(2026, 6, 15)


def test_outcome_needs_an_appointed_independent_verifier(app):
    cs = make_winner_setup()
    contract, _ = make_contract(cs, sign=False)
    cs.verifier = cs.functionary
    _refused(add_outcome, cs, contract, code="verifier")


def test_an_officer_of_the_competition_cannot_be_the_verifier(app):
    """R49: the verifier is the independent party, never one of the buyer's officers."""
    cs = make_winner_setup()
    contract, _ = make_contract(cs, sign=False)
    db.session.add(CompetitionStaff(competition=cs.competition, user=cs.officer, role="verifier"))
    db.session.flush()
    cs.verifier = cs.officer
    refused = _refused(add_outcome, cs, contract, code="verifier")
    assert "uavhengig" in str(refused.message)
    assert contract.outcomes == []


def test_the_verifier_of_a_claim_cannot_approve_its_payment(app):
    """R49: someone who verified a claim and later became an officer may not approve it too."""
    cs = make_winner_setup()
    _contract, outcome = make_contract(cs, milestones=(), outcome={})
    claim = _verified_claim(cs, outcome, 10, 10)
    db.session.add(Membership(user=cs.verifier, organisation=cs.buyer, role=MemberRole.MEMBER, is_officer=True))
    db.session.flush()
    db.session.refresh(cs.verifier)
    as_officer = Actor(cs.verifier, cs.buyer, "officer")
    _refused(services.transition_claim, claim, ClaimState.APPROVED, as_officer, "officer", code="independent")
    assert claim.state == ClaimState.VERIFIED and claim.amount is None
    services.transition_claim(claim, ClaimState.APPROVED, cs.actor, "officer")
    assert claim.state == ClaimState.APPROVED


# --- the ceiling ------------------------------------------------------------------------------


def test_amount_formula():
    assert services.outcome_amount(10, 20_000, 400_000, 1_000_000) == 200_000
    assert services.outcome_amount(30, 20_000, 400_000, 1_000_000) == 400_000  # cap
    assert services.outcome_amount(30, 20_000, 400_000, 150_000) == 150_000  # ceiling
    assert services.outcome_amount(0, 20_000, 400_000, 150_000) == 0
    assert services.outcome_amount(5, 20_000, 0, 150_000) == 0


def test_amounts_are_capped_at_two_billion(app):
    cs = make_winner_setup()
    _refused(services.create_contract, cs.competition, cs.actor, 2_000_000_001, code="amount")
    assert services.create_contract(cs.competition, cs.actor, 2_000_000_000).ceiling == 2_000_000_000


def test_milestones_cannot_pass_the_ceiling_one_by_one_or_together(app):
    cs = make_winner_setup()
    contract = services.create_contract(cs.competition, cs.actor, 300_000)
    _refused(services.add_milestone, contract, cs.actor, "Alt", 300_001, today(), code="ceiling")
    services.add_milestone(contract, cs.actor, "Del 1", 200_000, today())
    _refused(services.add_milestone, contract, cs.actor, "Del 2", 100_001, today(), code="ceiling")
    services.add_milestone(contract, cs.actor, "Del 2", 100_000, today())
    _refused(services.add_milestone, contract, cs.actor, "Del 3", 1, today(), code="ceiling")
    for bad in (-5, 0, 1.5, True, "100"):
        _refused(services.add_milestone, contract, cs.actor, "Feil", bad, today(), code="amount")
    assert queries.totals(contract).committed == 300_000


def test_outcome_payments_are_clipped_to_cap_and_ceiling_and_then_refused(app):
    cs = make_winner_setup()
    contract, outcome = make_contract(
        cs, ceiling=500_000, milestones=((300_000, "Utvikling"),), outcome={"price": 20_000, "cap": 250_000}
    )
    claim = _verified_claim(cs, outcome, 12, 11)
    services.transition_claim(claim, ClaimState.APPROVED, cs.actor, "officer")
    assert claim.amount == 200_000  # ceiling left: 200 000 < 11 × 20 000 = 220 000 < cap
    second = _verified_claim(cs, outcome, 5, 5)
    _refused(services.transition_claim, second, ClaimState.APPROVED, cs.actor, "officer", code="ceiling")
    totals = queries.totals(contract)
    assert (totals.committed, totals.remaining) == (500_000, 0)


def test_cap_counts_every_claim_on_the_outcome(app):
    cs = make_winner_setup()
    contract, outcome = make_contract(cs, ceiling=2_000_000, milestones=(), outcome={"price": 20_000, "cap": 300_000})
    first = _verified_claim(cs, outcome, 10, 10)
    services.transition_claim(first, ClaimState.APPROVED, cs.actor, "officer")
    second = _verified_claim(cs, outcome, 10, 10)
    services.transition_claim(second, ClaimState.APPROVED, cs.actor, "officer")
    assert (first.amount, second.amount) == (200_000, 100_000)
    _refused(services.submit_claim, outcome, cs.winner, cs.winner_org, 3, "3 til", code="cap")
    assert queries.totals(contract).outcomes == 300_000


def test_totals_never_exceed_the_ceiling_through_any_path(app):
    cs = make_winner_setup()
    contract, outcome = make_contract(
        cs, ceiling=400_000, milestones=((150_000, "A"), (150_000, "B")), outcome={"price": 50_000, "cap": 400_000}
    )
    for milestone in contract.milestones:
        _pay_milestone(cs, milestone)
    claim = _verified_claim(cs, outcome, 9, 9)
    services.transition_claim(claim, ClaimState.APPROVED, cs.actor, "officer")
    services.transition_claim(
        claim,
        ClaimState.PAID,
        cs.payer,
        "officer",
        invoice_reference="F-9",
        recipient_orgnr=cs.winner_org.orgnr,
        paid_on=today(),
    )
    totals = queries.totals(contract)
    assert (claim.amount, totals.committed, totals.paid) == (100_000, 400_000, 400_000)
    # A direct attempt to raise an approved amount is caught by the ceiling check on the next write.
    late = _verified_claim(cs, outcome, 1, 1)
    _refused(services.transition_claim, late, ClaimState.APPROVED, cs.actor, "officer", code="ceiling")
    assert late.state == ClaimState.VERIFIED and late.amount is None
    assert queries.totals(contract).committed == contract.ceiling


def test_payment_records_r37_fields_and_refuses_another_recipient(app):
    cs = make_winner_setup()
    contract, _ = make_contract(cs, milestones=((100_000, "A"),))
    milestone = contract.milestones[0]
    for target in (MilestoneState.DELIVERED, MilestoneState.ACCEPTED, MilestoneState.PAYMENT_APPROVED):
        services.transition_milestone(milestone, target, cs.actor, "officer")
    _refused(
        services.transition_milestone,
        milestone,
        MilestoneState.PAID,
        cs.payer,
        "officer",
        invoice_reference="F-1",
        recipient_orgnr=cs.other_org.orgnr,
        paid_on=today(),
        code="recipient",
    )
    services.transition_milestone(
        milestone,
        MilestoneState.PAID,
        cs.payer,
        "officer",
        invoice_reference="F-1",
        recipient_orgnr=f"NO {cs.winner_org.orgnr} MVA",
        paid_on=today(),
    )
    assert (milestone.recipient_orgnr, milestone.approved_by_id, milestone.paid_on) == (
        cs.winner_org.orgnr,
        cs.officer.id,
        today(),
    )


# --- claims (R49, R50) --------------------------------------------------------------------------


def test_only_the_named_verifier_verifies(app):
    cs = make_winner_setup()
    _contract, outcome = make_contract(cs, outcome={})
    claim = services.submit_claim(outcome, cs.winner, cs.winner_org, 8, "8 av 20 i arbeid")
    for user in (cs.officer, cs.functionary, cs.winner):
        _refused(
            services.transition_claim,
            claim,
            ClaimState.VERIFIED,
            Actor(user, None, "verifier"),
            "verifier",
            verified_count=8,
            code="forbidden",
        )
    _refused(services.transition_claim, claim, ClaimState.APPROVED, cs.actor, "officer", code="transition")
    _refused(
        services.transition_claim,
        claim,
        ClaimState.VERIFIED,
        Actor(cs.verifier, None, "verifier"),
        "verifier",
        verified_count=9,
        code="count",
    )
    services.transition_claim(
        claim, ClaimState.VERIFIED, Actor(cs.verifier, None, "verifier"), "verifier", verified_count=7, note="OK"
    )
    assert (claim.state, claim.verified_count, claim.verified_by_id) == (ClaimState.VERIFIED, 7, cs.verifier.id)


def test_claims_refuse_personal_data_before_the_window_ends_and_while_one_is_open(app):
    cs = make_winner_setup()
    contract, outcome = make_contract(cs, outcome={})
    error = _refused(
        services.submit_claim, outcome, cs.winner, cs.winner_org, 3, "Gjelder 15076500565", code="personal_data"
    )
    assert "15076500565" not in str(error.message)
    _refused(services.submit_claim, outcome, cs.winner, cs.winner_org, 3, "Spør ola@nav.no", code="personal_data")
    _refused(
        services.submit_claim,
        outcome,
        cs.winner,
        cs.winner_org,
        3,
        "3 i arbeid",
        filename="liste.csv",
        data=b"navn;fnr\nOla;15076500565\n",
        code="personal_data",
    )
    _refused(services.submit_claim, outcome, cs.other_participant, cs.other_org, 3, "3", code="forbidden")
    services.submit_claim(outcome, cs.winner, cs.winner_org, 3, "3 i arbeid", filename="sum.csv", data=b"a;b\n1;3\n")
    _refused(services.submit_claim, outcome, cs.winner, cs.winner_org, 3, "igjen", code="open_claim")
    # Only the clean claim was stored: the refused ones left no row and no evidence behind.
    stored = db.session.scalars(select(Claim).where(Claim.outcome_id == outcome.id)).all()
    assert [(c.number, c.statement, c.evidence_filename) for c in stored] == [(1, "3 i arbeid", "sum.csv")]
    assert stored[0].evidence_sha256 == hashlib.sha256(b"a;b\n1;3\n").hexdigest()
    assert contract.is_signed


def test_claims_wait_for_the_end_of_the_window(app):
    cs = make_winner_setup()
    contract = services.create_contract(cs.competition, cs.actor, 900_000)
    outcome = add_outcome(cs, contract, window_ended=False)
    services.sign_contract(contract, cs.actor, today())
    _refused(services.submit_claim, outcome, cs.winner, cs.winner_org, 3, "tidlig", code="window")
