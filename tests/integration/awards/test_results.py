"""The public results page: names per stage after the decision, the winner and the amounts."""

from compete.awards import services
from compete.extensions import db
from tests.factories_awards import decide_and_notify, make_ranked_stage, run_final_stage


def test_results_show_each_stage_the_winner_and_amounts(client, app):
    world = make_ranked_stage(entries=4)
    slug = world.competition.slug
    assert "Det er ikke fattet noen beslutninger ennå." in client.get(f"/competitions/{slug}/results").get_data(
        as_text=True
    )
    decision = decide_and_notify(world)
    stage2, entries = run_final_stage(world, decision)
    final = services.record_decision(stage2, world.officer, [entries[1].id], deviation_reasons="Best på brukernytte.")
    db.session.commit()
    page = client.get(f"/competitions/{slug}/results").get_data(as_text=True)
    assert "450\u00a0000\u00a0kr" not in page  # recorded but not announced: nobody outside the buyer knows (R31)
    services.send_notices(final, world.officer)
    db.session.commit()
    page = client.get(f"/competitions/{slug}/results").get_data(as_text=True)
    winner = next(e for e in world.entries if e.organisation_id == entries[1].organisation_id)
    assert "Tildelinger: 3 × 50\u00a0000\u00a0kr." in page
    assert f"{winner.organisation.name} – 450\u00a0000\u00a0kr" in page
    assert "Premie: 450\u00a0000\u00a0kr." in page
    assert world.entries[3].organisation.name not in page


def test_draft_competition_has_no_results_page(client, app):
    from compete.competitions.states import CompetitionState
    from tests.factories import make_competition

    competition = make_competition(state=CompetitionState.DRAFT)
    db.session.commit()
    assert client.get(f"/competitions/{competition.slug}/results").status_code == 404


def test_dashboard_points_participants_to_the_outcome(client, app):
    from tests.factories_competitions import login_as

    world = make_ranked_stage(entries=4)
    loser = world.entries[3]
    login_as(client, loser.created_by, loser.organisation)
    db.session.commit()
    assert "/my/decisions" not in client.get("/my/submissions").get_data(as_text=True).split("<main")[1]
    decide_and_notify(world)
    db.session.commit()
    dashboard = client.get("/my/submissions").get_data(as_text=True)
    assert "Se utfallet og les brevene" in dashboard
