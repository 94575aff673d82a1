"""The decision page de-anonymises in place with a confirmation (R30), and its confirmations
say what happened (issue 12)."""

from sqlalchemy import select

from compete.audit.models import AuditEntry
from compete.competitions.states import StageState
from compete.extensions import db
from tests.factories_awards import make_ranked_stage
from tests.factories_competitions import login_as


def _flash(client) -> str:
    with client.session_transaction() as session:
        return " ".join(str(message) for _category, message in session.get("_flashes", []))


def test_officer_deanonymises_from_the_decision_page_after_confirming(client, app):
    world = make_ranked_stage(entries=3, deanonymise=False)
    db.session.commit()
    slug = world.competition.slug
    url = f"/manage/competitions/{slug}/stages/1/decision"
    login_as(client, world.setup.officer, world.setup.buyer)

    page = client.get(url).get_data(as_text=True)
    assert f'action="{url}/deanonymise"' in page

    unconfirmed = client.post(f"{url}/deanonymise", data={})
    assert unconfirmed.headers["Location"] == url
    db.session.refresh(world.stage)
    assert world.stage.state == StageState.RANKING_LOCKED

    confirmed = client.post(f"{url}/deanonymise", data={"confirm": "yes"})
    assert confirmed.headers["Location"] == url
    db.session.refresh(world.stage)
    assert world.stage.state == StageState.DEANONYMISED
    events = db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("%deanonymi%"))).all()
    assert len(events) == 1
    assert world.entries[0].organisation.name in client.get(url).get_data(as_text=True)


def test_recording_the_decision_says_how_many_letters_are_ready(client, app):
    world = make_ranked_stage(entries=4)
    db.session.commit()
    login_as(client, world.setup.officer, world.setup.buyer)
    chosen = [str(e.id) for e in world.entries[: world.stage.advancing_count]]
    response = client.post(
        f"/manage/competitions/{world.competition.slug}/stages/1/decision", data={"selected": chosen}
    )
    assert response.status_code == 302
    assert "4 letters are ready for review" in _flash(client) or "4 brev er klare til gjennomsyn" in _flash(client)
