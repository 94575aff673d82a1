"""The officers' lists (awards, complaint register, notices) and the participant's decisions load in
a constant number of queries: one row against twenty."""

from compete.awards import services
from compete.extensions import db
from tests.factories_awards import decide_and_notify, make_ranked_stage
from tests.factories_competitions import login_as


def _world(rows: int):
    world = make_ranked_stage(entries=rows + 1)
    world.stage.advancing_count = rows
    decision = decide_and_notify(world)
    for entry in world.entries[:rows]:
        services.register_complaint(decision, entry.created_by, entry.organisation, f"Klage fra {entry.code}")
    db.session.commit()
    return world


def _count(client, count_queries, url):
    client.get(url)
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def test_officer_lists_do_not_grow_with_rows(app, client, count_queries):
    small, large = _world(1), _world(20)
    counts = {}
    for name, world in (("small", small), ("large", large)):
        login_as(client, world.setup.officer, world.setup.buyer)
        slug = world.competition.slug
        counts[name] = [
            _count(client, count_queries, f"/manage/competitions/{slug}/awards"),
            _count(client, count_queries, f"/manage/competitions/{slug}/complaints"),
            _count(client, count_queries, f"/manage/competitions/{slug}/stages/1/notices"),
        ]
    assert counts["small"] == counts["large"]


def test_my_decisions_does_not_grow_with_rows(app, client, count_queries):
    from tests.factories_awards import decide

    counts = []
    for rows in (1, 20):
        world = make_ranked_stage(entries=1)
        world.stage.advancing_count = 1
        user, org = world.entries[0].created_by, world.entries[0].organisation
        decide_and_notify(world, 1)
        for _ in range(rows - 1):
            other = make_ranked_stage(entries=1)
            # the same participant organisation in another competition
            other.entries[0].organisation_id = org.id
            other.stage.advancing_count = 1
            db.session.flush()
            decide(other, 1)
            services.send_notices(services.decision_for(other.stage), other.officer)
        db.session.commit()
        login_as(client, user, org)
        counts.append(_count(client, count_queries, "/my/decisions"))
    assert counts[0] == counts[1]
