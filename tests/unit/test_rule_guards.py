"""Guards that a one-line breakage used to slip past (issue 12). Each test calls the service
directly, so removing the server-side guard makes it fail even where a form would also refuse."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from compete.accounts.models import MemberRole, Membership
from compete.accounts.orgnr import InvalidOrgnr, normalise_orgnr, orgnr_checksum_ok
from compete.audit.models import AuditEntry
from compete.audit.services import Actor
from compete.awards import services as award_services
from compete.competitions.models import EligibilityCategory
from compete.competitions.states import StageState
from compete.contracts import services as contract_services
from compete.contracts.states import ClaimState
from compete.core.errors import DomainError
from compete.core.time import frozen_at
from compete.extensions import db
from compete.jury import services as jury_services
from compete.jury.models import Answer, EntryDeclaration
from compete.notifications.models import OutboxMessage
from compete.submissions import services as submission_services
from compete.submissions.models import Submission, SubmissionStatus
from tests.factories_awards import decide_and_notify, lock_ranking, make_ranked_stage
from tests.factories_contracts import add_outcome, make_contract, make_winner_setup
from tests.factories_jury import declare_all_clear, make_jury_stage
from tests.factories_submissions import make_setup, make_submitted


def _refused(fn, *args, code: str, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as refused:
        fn(*args, **kwargs)
    assert refused.value.code == code
    return refused.value


# --- R8: the check digit 0 case -------------------------------------------------------------------


def test_r8_remainder_zero_gives_check_digit_zero():
    # 9·3 + 1·2 + 2·2 = 33 and 33 % 11 == 0: the check digit is 0, not 11 − 0.
    assert sum(int(d) * w for d, w in zip("91000002", (3, 2, 7, 6, 5, 4, 3, 2), strict=True)) % 11 == 0
    assert orgnr_checksum_ok("910000020") is True
    assert normalise_orgnr("910 000 020") == "910000020"
    for wrong in ("910000021", "910000029"):
        assert orgnr_checksum_ok(wrong) is False
        with pytest.raises(InvalidOrgnr):
            normalise_orgnr(wrong)


# --- R10: eligibility is checked by the service, not only by the form -------------------------------


def test_r10_service_refuses_a_category_the_call_does_not_have(app):
    s = make_setup()
    s.competition.eligibility_categories.append(
        EligibilityCategory(position=1, name="Oppstartsbedrift", definition="Under fem år.", self_check_question="?")
    )
    db.session.flush()
    for category in ("Storbedrift", ""):
        _refused(submission_services.start_submission, s.stage, s.user, s.organisation, category, code="self_check")
    assert db.session.scalars(select(Submission).where(Submission.stage_id == s.stage.id)).all() == []
    started = submission_services.start_submission(s.stage, s.user, s.organisation, "Oppstartsbedrift")
    assert started.eligibility_category == "Oppstartsbedrift"


# --- R14: a complaint response is a logged message -------------------------------------------------


def test_r14_complaint_response_is_logged_and_sent(app):
    world = make_ranked_stage(entries=4)
    decision = decide_and_notify(world)
    loser = world.entries[3]
    complaint = award_services.register_complaint(decision, loser.created_by, loser.organisation, "Feil vekting.")
    award_services.respond(complaint, world.officer, "Vektingen fulgte utlysningen.")
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "awards.complaint_answered").order_by(AuditEntry.id)
    ).all()
    assert [(e.target_id, e.actor_id, e.after) for e in entries] == [
        (str(complaint.id), world.setup.officer.id, {"response": "Vektingen fulgte utlysningen."})
    ]
    sent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "awards/complaint_response")).all()
    assert [m.recipient_email for m in sent] == [loser.created_by.email]


# --- R15: an extension needs a reason, in the service ------------------------------------------------


def test_r15_extension_without_reason_is_refused_by_the_service(app):
    s = make_setup()
    before = s.stage.deadline_at
    actor = Actor(s.officer, s.buyer, "officer")
    for reason in ("", "   "):
        _refused(submission_services.extend_deadline, s.stage, actor, before + timedelta(days=3), reason, code="reason")
    assert s.stage.deadline_at == before
    submission_services.extend_deadline(s.stage, actor, before + timedelta(days=3), "Nettsiden var nede.")
    assert s.stage.deadline_at == before + timedelta(days=3)


# --- R16: no withdrawal after the deadline ----------------------------------------------------------


def test_r16_withdrawal_after_the_deadline_is_refused_and_logged(app):
    s = make_setup()
    submission = make_submitted(s)
    with frozen_at(s.stage.deadline_at):
        _refused(submission_services.withdraw, submission, s.user, code="late")
    assert (submission.status, submission.withdrawn_at) == (SubmissionStatus.SUBMITTED, None)
    with frozen_at(s.stage.deadline_at - timedelta(seconds=1)):
        submission_services.withdraw(submission, s.user)
    assert submission.status == SubmissionStatus.WITHDRAWN


# --- R22: a ruling needs a reason -------------------------------------------------------------------


def test_r22_ruling_without_a_reason_is_refused(app):
    _setup, officer, entries, seats = make_jury_stage(entries=2, jurors=1)
    declare_all_clear(seats[0], entries, {entries[0].id: (Answer.IN_DOUBT, "Tidligere kollega.")})
    declaration = db.session.scalars(
        select(EntryDeclaration).where(
            EntryDeclaration.seat_id == seats[0].id, EntryDeclaration.submission_id == entries[0].id
        )
    ).one()
    for reason in ("", "  "):
        _refused(jury_services.rule, declaration, officer, conflicted=True, reason=reason, code="reason")
    assert (declaration.ruled_conflict, declaration.ruling_reason) == (None, None)
    jury_services.rule(declaration, officer, conflicted=True, reason="Nær kollega de siste to årene.")
    assert (declaration.ruled_conflict, declaration.ruling_reason) == (True, "Nær kollega de siste to årene.")


# --- R30: de-anonymisation only from a locked ranking, once ---------------------------------------------


def test_r30_deanonymising_is_tried_from_every_stage_state_and_only_a_locked_ranking_allows_it(app):
    setup, officer, entries, _seats = make_jury_stage(entries=3, jurors=0)
    stage = setup.stage
    for state in (StageState.PLANNED, StageState.FORMAL_CHECK, StageState.JURY_SCORING):
        stage.state = state
        _refused(jury_services.deanonymise, stage, officer, code="transition")
        assert stage.state == state
    stage.state = StageState.JURY_SCORING
    lock_ranking(stage, entries, officer)
    jury_services.deanonymise(stage, officer)
    assert stage.state == StageState.DEANONYMISED
    _refused(jury_services.deanonymise, stage, officer, code="transition")  # once
    stage.state = StageState.DECIDED
    _refused(jury_services.deanonymise, stage, officer, code="transition")
    revealed = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "stage.deanonymised")).all()
    assert len(revealed) == 1


# --- R49: the verifier is independent of the contractor -------------------------------------------------


def test_r49_a_verifier_from_the_contractors_organisation_is_refused(app):
    cs = make_winner_setup()
    contract, _ = make_contract(cs, milestones=(), outcome=None, sign=False)
    db.session.add(Membership(user=cs.verifier, organisation=cs.winner_org, role=MemberRole.MEMBER))
    db.session.flush()
    db.session.refresh(cs.verifier)
    error = _refused(add_outcome, cs, contract, code="verifier")
    assert str(error.message) == "Verifikatoren må være uavhengig av leverandøren."
    assert contract.outcomes == []


def test_r49_a_verifier_who_joined_the_contractor_later_cannot_verify(app):
    cs = make_winner_setup()
    _contract, outcome = make_contract(cs, milestones=(), outcome={})
    claim = contract_services.submit_claim(outcome, cs.winner, cs.winner_org, 6, "6 av 40 i arbeid")
    db.session.add(Membership(user=cs.verifier, organisation=cs.winner_org, role=MemberRole.MEMBER))
    db.session.flush()
    db.session.refresh(cs.verifier)
    verifier = Actor(cs.verifier, None, "verifier")
    _refused(
        contract_services.transition_claim,
        claim,
        ClaimState.VERIFIED,
        verifier,
        "verifier",
        verified_count=6,
        code="independent",
    )
    assert (claim.state, claim.verified_count) == (ClaimState.SUBMITTED, None)
