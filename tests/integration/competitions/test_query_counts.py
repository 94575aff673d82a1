"""List pages load in a constant number of queries: 1 row and 20 rows cost the same."""

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


def _one_then_twenty(client, count_queries, url, add_row):
    """Query count with 1 row, then with 20 rows: returns both."""
    add_row(0)
    db.session.commit()
    with_one = _count(client, count_queries, url)
    for i in range(1, 20):
        add_row(i)
    db.session.commit()
    return with_one, _count(client, count_queries, url)


def test_manage_list(client, count_queries):
    buyer = make_org(buyer=True)
    officer = make_officer(buyer)
    login_as(client, officer, buyer)
    one, twenty = _one_then_twenty(client, count_queries, "/manage/competitions", lambda i: make_competition(buyer))
    assert one == twenty


def test_public_index(client, count_queries):
    buyer = make_org(buyer=True)
    one, twenty = _one_then_twenty(client, count_queries, "/", lambda i: make_competition(buyer))
    assert one == twenty


def test_audit_page(client, count_queries):
    s = make_setup()
    actor = Actor(s.officer, s.buyer, "officer")
    login_as(client, s.officer, s.buyer)
    one, twenty = _one_then_twenty(
        client,
        count_queries,
        f"/manage/competitions/{s.competition.slug}/audit",
        lambda i: record(actor, "test.row", s.competition, competition=s.competition, after={"i": i}),
    )
    assert one == twenty


def test_officer_questions_page(client, count_queries):
    s = make_setup()
    login_as(client, s.officer, s.buyer)
    one, twenty = _one_then_twenty(
        client,
        count_queries,
        f"/manage/competitions/{s.competition.slug}/questions",
        lambda i: make_question(s.competition, s.participant, s.participant_org, f"Question {i}?"),
    )
    assert one == twenty
