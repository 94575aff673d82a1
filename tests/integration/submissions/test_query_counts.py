"""The dashboard and the receipt log load in a constant number of queries (1 vs 20 rows)."""

from compete.extensions import db
from compete.submissions import services
from tests.factories import make_participant
from tests.factories_competitions import login_as
from tests.factories_submissions import make_setup, make_submitted


def _count(client, count_queries, url):
    client.get(url)
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def test_receipt_log(app, client, count_queries):
    """Every kind of row (version, withdrawal, late attempt) is present in both runs."""
    s = make_setup()
    services.withdraw(make_submitted(s), s.user)
    services.record_late_attempt(s.stage, s.user, s.organisation, "submit")
    db.session.commit()
    login_as(client, s.officer, s.buyer)
    url = f"/manage/competitions/{s.competition.slug}/stages/1/receipts"
    one = _count(client, count_queries, url)
    for _ in range(19):
        user, org = make_participant()
        services.withdraw(make_submitted(s, user=user, organisation=org), user)
        services.record_late_attempt(s.stage, user, org, "submit")
    db.session.commit()
    assert _count(client, count_queries, url) == one


def test_dashboard(app, client, count_queries):
    from tests.factories_submissions import make_setup as setup_for

    s = make_setup()
    make_submitted(s)
    db.session.commit()
    login_as(client, s.user, s.organisation)
    one = _count(client, count_queries, "/my/submissions")
    for _ in range(19):
        other = setup_for()
        make_submitted(other, user=s.user, organisation=s.organisation)
    db.session.commit()
    assert _count(client, count_queries, "/my/submissions") == one
