"""Walk every allowed and forbidden move of both life-cycle tables through the one transition function."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from compete.audit.models import AuditEntry
from compete.audit.services import Actor
from compete.competitions.services import transition_competition, transition_stage
from compete.competitions.states import (
    COMPETITION_TRANSITIONS,
    STAGE_TRANSITIONS,
    CompetitionState,
    StagePhase,
    StageState,
)
from compete.core.errors import DomainError
from compete.extensions import db
from tests.factories import make_competition, make_officer, make_org

ROLES = ("officer", "functionary", "system", "participant")


@pytest.mark.parametrize(
    ("source", "target", "role"), list(itertools.product(CompetitionState, CompetitionState, ROLES))
)
def test_competition_table(app, source, target, role):
    buyer = make_org(buyer=True)
    officer = make_officer(buyer)
    competition = make_competition(buyer)
    competition.state, competition.follow_on_contract = source, True
    if source == CompetitionState.CANCELLED:
        competition.cancel_reason = "Earlier cancellation."
    db.session.flush()
    allowed = role in COMPETITION_TRANSITIONS.get((source, target), frozenset())
    actor = Actor(officer, buyer, role)
    if allowed:
        transition_competition(competition, target, actor, reason="The need disappeared.")
        assert competition.state == target
        entry = db.session.query(AuditEntry).order_by(AuditEntry.seq.desc()).first()
        assert (entry.action, entry.organisation_id, entry.role) == (f"competition.{target.value}", buyer.id, role)
    else:
        with pytest.raises(DomainError):
            transition_competition(competition, target, actor, reason="The need disappeared.")
        assert competition.state == source


# A phase is reached by a stored state, or by the clock for upcoming/open/closed.
def _put_in_phase(stage, phase, moment):
    if phase == StagePhase.UPCOMING:
        stage.opens_at, stage.deadline_at = moment + timedelta(days=1), moment + timedelta(days=20)
    elif phase == StagePhase.OPEN:
        stage.opens_at, stage.deadline_at = moment - timedelta(days=1), moment + timedelta(days=20)
    else:
        stage.opens_at, stage.deadline_at = moment - timedelta(days=20), moment - timedelta(days=1)
        if phase != StagePhase.CLOSED:
            stage.state = StageState(phase.value)


@pytest.mark.parametrize(("phase", "target", "role"), list(itertools.product(StagePhase, StageState, ROLES)))
def test_stage_table(app, clock, phase, target, role):
    moment = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    clock.set(moment)
    buyer = make_org(buyer=True)
    officer = make_officer(buyer)
    competition = make_competition(buyer, stages=1)
    stage = competition.stages[0]
    stage.question_deadline_at = None
    _put_in_phase(stage, phase, moment)
    db.session.flush()
    assert stage.phase(moment) == phase
    allowed = role in STAGE_TRANSITIONS.get((phase, target), frozenset())
    if allowed:
        transition_stage(stage, target, Actor(officer, buyer, role))
        assert stage.state == target
    else:
        with pytest.raises(DomainError):
            transition_stage(stage, target, Actor(officer, buyer, role))


def test_contract_only_if_announced_r5(app):
    buyer = make_org(buyer=True)
    officer = make_officer(buyer)
    competition = make_competition(buyer)
    competition.follow_on_contract = False
    with pytest.raises(DomainError) as refused:
        transition_competition(competition, CompetitionState.CONTRACT, Actor(officer, buyer, "officer"))
    assert str(refused.value) == "The call did not announce a follow-on contract."
    assert competition.state == CompetitionState.PUBLISHED
