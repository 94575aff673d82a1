"""Recording a decision from the locked ranking: R28 (deviation), R36 (fewer), R30 (anonymity first)."""

import pytest
from sqlalchemy import select

from compete.audit.models import AuditEntry
from compete.awards import services
from compete.awards.models import Selection, StageAward
from compete.awards.states import AwardKind, AwardState
from compete.competitions.states import StageState
from compete.core.errors import DomainError
from compete.extensions import db
from tests.factories_awards import decide, make_ranked_stage


def _ids(entries):
    return [e.id for e in entries]


def test_proposal_is_the_top_n_of_the_ranking(app):
    world = make_ranked_stage(entries=5)
    assert world.stage.advancing_count == 3
    assert services.proposal(world.stage) == _ids(world.entries[:3])
    assert services.announced_count(world.stage) == 3
    assert services.is_final(world.stage) is False
    assert services.is_final(world.competition.stages[1]) is True


def test_recording_the_proposal_creates_selections_awards_and_decides_the_stage(app):
    world = make_ranked_stage(entries=5)
    decision = decide(world)
    assert world.stage.state == StageState.DECIDED
    assert decision.is_final is False
    assert decision.deviation_reasons == "" and decision.fewer_reason == ""
    selections = db.session.scalars(select(Selection).where(Selection.stage_id == world.stage.id)).all()
    assert sorted((s.organisation_id, s.rank) for s in selections) == sorted(
        (e.organisation_id, rank) for rank, e in enumerate(world.entries[:3], start=1)
    )
    awards = db.session.scalars(select(StageAward).where(StageAward.stage_id == world.stage.id)).all()
    assert [(a.amount, a.kind, a.state) for a in awards] == [(50_000, AwardKind.STAGE, AwardState.AWARDED)] * 3
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "awards.decision_recorded")).one()
    assert entry.after["selected"] == [e.code for e in world.entries[:3]]
    assert entry.after["deviation"] is False


def test_advisory_jury_deviation_needs_written_reasons(app):
    world = make_ranked_stage(entries=4)
    chosen = _ids([world.entries[0], world.entries[1], world.entries[3]])  # skips the 3rd
    with pytest.raises(DomainError) as refused:
        services.record_decision(world.stage, world.officer, chosen)
    assert refused.value.code == "deviation_reasons"
    assert world.stage.state == StageState.DEANONYMISED
    decision = services.record_decision(
        world.stage, world.officer, chosen, deviation_reasons="Nr. 4 dekker distriktene, som mangler."
    )
    assert decision.deviation_reasons == "Nr. 4 dekker distriktene, som mangler."


def test_binding_jury_refuses_any_deviation_even_with_reasons(app):
    world = make_ranked_stage(entries=4, jury_binding=True)
    chosen = _ids([world.entries[0], world.entries[1], world.entries[3]])
    with pytest.raises(DomainError) as refused:
        services.record_decision(world.stage, world.officer, chosen, deviation_reasons="Vi er uenige med juryen.")
    assert refused.value.code == "binding"
    assert services.decision_for(world.stage) is None


def test_fewer_than_announced_needs_a_recorded_reason(app):
    world = make_ranked_stage(entries=4)
    with pytest.raises(DomainError) as refused:
        decide(world, 2)
    assert refused.value.code == "fewer_reason"
    decision = decide(world, 2, fewer_reason="Bare to skisser holdt minstenivået.")
    assert decision.fewer_reason == "Bare to skisser holdt minstenivået."
    assert len(decision.selections) == 2


def test_more_than_announced_unknown_entries_and_nothing_are_refused(app):
    world = make_ranked_stage(entries=4)
    for chosen, code in (
        (_ids(world.entries), "too_many"),
        ([world.entries[0].id, 999_999], "unknown"),
        ([], "empty"),
    ):
        with pytest.raises(DomainError) as refused:
            services.record_decision(world.stage, world.officer, chosen, fewer_reason="x", deviation_reasons="x")
        assert refused.value.code == code


def test_anonymous_stage_must_be_deanonymised_first_and_decided_once(app):
    world = make_ranked_stage(entries=3, deanonymise=False)
    with pytest.raises(DomainError) as refused:
        decide(world)
    assert refused.value.code == "anonymous"
    from compete.jury import services as jury_services

    jury_services.deanonymise(world.stage, world.officer)
    decide(world)
    with pytest.raises(DomainError) as twice:
        decide(world)
    assert twice.value.code == "decided"


def test_ties_are_not_a_deviation(app):
    world = make_ranked_stage(entries=2)
    ranked = services.ranking(world.stage)
    assert services.deviates(ranked, [world.entries[1].id]) is True
    assert services.deviates(ranked, [world.entries[0].id]) is False
    from compete.jury.statistics import Ranked

    tied = [Ranked(1, 7.0, 1, (2,)), Ranked(2, 7.0, 1, (1,)), Ranked(3, 5.0, 3)]
    assert services.deviates(tied, [2]) is False
    assert services.deviates(tied, [3]) is True
