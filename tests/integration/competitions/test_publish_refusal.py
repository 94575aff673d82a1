"""A refused publication lists each problem once, without repeating its heading, each linking to
where it is fixed (issue 12)."""

import re

from compete.competitions.models import Competition
from compete.competitions.states import CompetitionState
from compete.extensions import db
from tests.factories_competitions import login_as, make_setup


def test_refused_publication_lists_each_problem_once_with_a_link(client, app):
    setup = make_setup(state=CompetitionState.DRAFT)
    competition: Competition = setup.competition
    competition.background = ""
    competition.stages[0].criteria[0].weight = 25  # weights no longer total 100
    db.session.commit()
    slug, stage_position = competition.slug, competition.stages[0].position
    login_as(client, setup.officer, setup.buyer)

    response = client.post(f"/manage/competitions/{slug}/publish")
    html = response.get_data(as_text=True)

    assert response.status_code == 400
    summary = html[html.index('id="publish-errors"') : html.index("</ul>", html.index('id="publish-errors"'))]
    links = re.findall(r'<li><a class="ds-link" href="([^"]+)">([^<]+)</a></li>', summary)
    assert [(href, text.split(":")[0]) for href, text in links] == [
        (f"/manage/competitions/{slug}/settings", "Background and need are missing."),
        (f"/manage/competitions/{slug}/stages/{stage_position}/criteria", f"Stage {stage_position}. Idéskisse"),
    ]
    assert html.count("The call cannot be published yet") == 1
    assert 'id="missing-items"' not in html
