"""'My submissions' shows each entry's outcome once the decision is sent, not before (R31)."""

from compete.extensions import db
from tests.factories_awards import decide, make_ranked_stage
from tests.factories_competitions import login_as


def _table(html: str) -> str:
    return html[html.index("<tbody>") : html.index("</tbody>")]


def test_my_submissions_show_the_outcome_once_the_decision_is_sent(client, app):
    world = make_ranked_stage(entries=4)
    winner, loser = world.entries[0], world.entries[3]
    decision = decide(world)
    db.session.commit()

    login_as(client, loser.created_by, loser.organisation)
    before = _table(client.get("/my/submissions").get_data(as_text=True))
    assert "Ikke avgjort ennå" in before
    assert "Ikke valgt ut" not in before

    from compete.awards import services

    services.send_notices(decision, world.officer)
    db.session.commit()
    after = client.get("/my/submissions").get_data(as_text=True)
    assert "Ikke valgt ut" in _table(after)
    decisions = client.get("/my/decisions").get_data(as_text=True)
    assert "Klag på beslutningen" in decisions

    login_as(client, winner.created_by, winner.organisation)
    assert "Valgt ut til neste fase" in _table(client.get("/my/submissions").get_data(as_text=True))
