"""The change note belongs to amendments: a draft's forms do not ask for it; a published call's
forms ask for it last, after the fields it describes (issue 12)."""

import re

import pytest

from compete.competitions.states import CompetitionState
from compete.extensions import db
from tests.factories_competitions import login_as, make_setup


def _field_names(html: str) -> list[str]:
    return [n for n in re.findall(r'<(?:input|textarea|select)[^>]*name="([^"]+)"', html) if n != "csrf_token"]


@pytest.mark.parametrize("path", ["stages/1", "stages/new", "settings"])
def test_draft_forms_have_no_change_note(client, app, path):
    setup = make_setup(state=CompetitionState.DRAFT)
    db.session.commit()
    login_as(client, setup.officer, setup.buyer)
    html = client.get(f"/manage/competitions/{setup.competition.slug}/{path}").get_data(as_text=True)
    assert "change_note" not in _field_names(html)
    assert "Endringsmerknad" not in html


@pytest.mark.parametrize("path", ["stages/1", "settings"])
def test_published_forms_ask_for_the_change_note_last(client, app, path):
    setup = make_setup(state=CompetitionState.PUBLISHED)
    db.session.commit()
    login_as(client, setup.officer, setup.buyer)
    names = _field_names(client.get(f"/manage/competitions/{setup.competition.slug}/{path}").get_data(as_text=True))
    assert names[-1] == "change_note"
    assert names.count("change_note") == 1
