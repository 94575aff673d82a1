"""One submission's page for officers and the functionary (issue 12): content and files as
submitted, versions, formal check, clarifications, and scores and remarks only after the lock;
never for jurors or participants (R24); every view on the audit trail (R41)."""

import pytest
from sqlalchemy import select

from compete.audit.models import AuditEntry
from compete.extensions import db
from tests.factories_awards import make_ranked_stage
from tests.factories_competitions import login_as
from tests.factories_jury import declare_all_clear, make_jury_stage, score


def _url(setup, submission):
    return f"/manage/competitions/{setup.competition.slug}/stages/{setup.stage.position}/submissions/{submission.code}"


def test_officer_sees_content_versions_and_check_but_no_scores_before_the_lock(client, app):
    setup, _officer, entries, seats = make_jury_stage(entries=2, jurors=1)
    declare_all_clear(seats[0], entries)
    score(seats[0], entries[0], [7, 7, 7, 7])
    db.session.commit()
    login_as(client, setup.officer, setup.buyer)

    html = client.get(_url(setup, entries[0])).get_data(as_text=True)

    assert entries[0].current_version.content["problem"] in html
    assert setup.organisation.name in html
    assert f"/submissions/{entries[0].id}/versions/1/receipt" in html
    assert "Begrunnelse for" not in html  # the scores wait for the lock
    viewed = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "submission.viewed", AuditEntry.target_id == str(entries[0].id))
    ).all()
    assert [(v.actor_id, v.role) for v in viewed] == [(setup.officer.id, "officer")]


def test_after_the_lock_the_page_shows_every_scorecard_and_the_remark(client, app):
    world = make_ranked_stage(entries=3)
    db.session.commit()
    login_as(client, world.setup.officer, world.setup.buyer)
    html = client.get(_url(world.setup, world.entries[0])).get_data(as_text=True)
    assert html.count("Begrunnelse for Relevance to the need") == len(world.seats)
    assert f"Merknad om {world.entries[0].code}" in html


@pytest.mark.parametrize(
    "who, expected", [("officer", 200), ("functionary", 200), ("juror", 403), ("participant", 403)]
)
def test_who_may_open_the_page(client, app, who, expected):
    setup, _officer, entries, seats = make_jury_stage(entries=1, jurors=1)
    db.session.commit()
    user, org = {
        "officer": (setup.officer, setup.buyer),
        "functionary": (setup.functionary, None),
        "juror": (seats[0].user, None),
        "participant": (setup.user, setup.organisation),
    }[who]
    login_as(client, user, org)
    assert client.get(_url(setup, entries[0])).status_code == expected
    assert client.get(_url(setup, entries[0]).replace(entries[0].code, "NOPE-NOPE")).status_code in (403, 404)
