"""List pages load in a constant number of queries: 1 row and 20 rows cost the same."""

import pytest

from compete.audit.services import Actor, record
from compete.extensions import db
from tests.factories import make_competition, make_officer, make_org
from tests.factories_competitions import login_as, make_question, make_setup


def _count(client, count_queries, url):
    client.get(url)  # warm up (session, user)
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize("rows", [1, 20])
def test_manage_list(client, count_queries, rows):
    buyer = make_org(buyer=True)
    officer = make_officer(buyer)
    for _ in range(rows):
        make_competition(buyer)
    db.session.commit()
    login_as(client, officer, buyer)
    assert _count(client, count_queries, "/manage/competitions") == 4


@pytest.mark.parametrize("rows", [1, 20])
def test_public_index(client, count_queries, rows):
    buyer = make_org(buyer=True)
    for _ in range(rows):
        make_competition(buyer)
    db.session.commit()
    assert _count(client, count_queries, "/") == 4


@pytest.mark.parametrize("rows", [1, 20])
def test_audit_page(client, count_queries, rows):
    s = make_setup()
    actor = Actor(s.officer, s.buyer, "officer")
    for i in range(rows):
        record(actor, "test.row", s.competition, competition=s.competition, after={"i": i})
    db.session.commit()
    login_as(client, s.officer, s.buyer)
    assert _count(client, count_queries, f"/manage/competitions/{s.competition.slug}/audit") == 10


@pytest.mark.parametrize("rows", [1, 20])
def test_officer_questions_page(client, count_queries, rows):
    s = make_setup()
    for i in range(rows):
        make_question(s.competition, s.participant, s.participant_org, f"Question {i}?")
    db.session.commit()
    login_as(client, s.officer, s.buyer)
    assert _count(client, count_queries, f"/manage/competitions/{s.competition.slug}/questions") == 11
