"""The awards demo: with a locked ranking it decides, notifies, answers a complaint and moves the
awards on; without one (or a second time) it does nothing."""

from sqlalchemy import select

from compete.awards import demo, queries, services
from compete.awards.models import Complaint, StageAward
from compete.awards.states import AwardState
from compete.competitions.states import StageState
from compete.extensions import db
from tests.factories_awards import make_ranked_stage


def test_demo_shows_a_decided_stage_with_notices_a_complaint_and_awards(app):
    world = make_ranked_stage(entries=5, deanonymise=False)
    assert demo.show_decision(world.competition, world.officer) is True
    decision = services.decision_for(world.stage)
    assert world.stage.state == StageState.DECIDED
    assert decision.notices_sent_at is not None and len(queries.notices_of(decision)) == 5
    complaint = db.session.scalars(select(Complaint).where(Complaint.decision_id == decision.id)).one()
    assert complaint.responded_at is not None
    states = [a.state for a in db.session.scalars(select(StageAward).order_by(StageAward.id))]
    # Nothing is delivered or paid before an entry exists in stage 2 (R37).
    assert states == [AwardState.AGREEMENT_SIGNED, AwardState.AGREEMENT_SIGNED, AwardState.AWARDED]
    assert queries.payments_per_stage(world.competition)[world.stage.id] == 0
    assert demo.show_decision(world.competition, world.officer) is False


def test_demo_leaves_a_stage_without_locked_ranking_alone(app):
    from tests.factories_jury import make_jury_stage

    setup, officer, _entries, _seats = make_jury_stage(entries=2, jurors=1)
    assert demo.show_decision(setup.competition, officer) is False
    assert services.decision_for(setup.stage) is None
