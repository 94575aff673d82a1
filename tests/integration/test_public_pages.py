from tests.factories import make_competition


def test_home_lists_an_open_competition(client):
    competition = make_competition(slug="open-one")
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'href="/competitions/{competition.slug}"' in html
    assert "600\u00a0000\u00a0kr" in html


def test_call_page_shows_prize_table_and_criteria(client):
    competition = make_competition(slug="call-page")
    html = client.get("/competitions/call-page").get_data(as_text=True)
    assert competition.title in html
    assert "3 × 50\u00a0000\u00a0kr" in html
    assert "450\u00a0000\u00a0kr" in html
    assert "Relevance to the need" in html
    assert "30 %" in html


def test_draft_competition_is_not_public(client):
    from compete.competitions.states import CompetitionState

    make_competition(slug="draft-one", state=CompetitionState.DRAFT)
    assert client.get("/competitions/draft-one").status_code == 404


def test_readyz_reports_ok(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"database": "ok", "outbox": "ok", "storage": "ok"}
