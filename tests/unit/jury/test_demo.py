"""The jury demo: one competition mid-scoring, one with a locked ranking; loading twice adds nothing."""

from compete.competitions import queries as competition_queries
from compete.competitions.states import StageState
from compete.demo import load_demo
from compete.jury import queries


def test_demo_has_a_jury_mid_scoring_and_a_locked_ranking(app):
    load_demo()
    load_demo()
    scoring = competition_queries.competition_by_slug("ungdom-i-arbeid-vestland").stages[0]
    locked = competition_queries.competition_by_slug("ungdom-i-arbeid-trondelag").stages[0]

    assert (scoring.state, locked.state) == (StageState.JURY_SCORING, StageState.RANKING_LOCKED)
    assert len(queries.entries(scoring)) == len(queries.entries(locked)) == 12
    progress = queries.progress(scoring)
    assert [r["conflict"] for r in progress["jurors"]] == [0, 0, 1, 0, 0]
    assert sum(r["missing"] for r in progress["jurors"]) > 0
    assert sum(r["draft"] for r in progress["jurors"]) > 0
    report = queries.jury_report(locked)
    assert report["missing_scorecards"] == []
    assert len(report["conflicts"]) == 1
    assert sum(1 for r in report["ranking"] if r["remark"]) == 3
    assert [c.status for c in queries.clarifications_of_stage(scoring)] == ["relayed", "asked"]
