from compete.accounts.models import BuyerStatus, OrgCategory
from compete.extensions import db
from tests.factories import login, make_org, make_user
from tests.factories_accounts import make_member, set_buyer_status


def _count(client, count_queries, path):
    client.get(path)  # warm up (session, caches)
    db.session.expire_all()  # nothing served from the identity map: lazy loads would show
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200
    return counter.count


def test_list_pages_same_count_for_1_and_20_rows(app, count_queries):
    def my_orgs(rows):
        user = make_user()
        for _ in range(rows):
            make_org(owner=user)
        client = app.test_client()
        login(client, user)
        return _count(client, count_queries, "/organisations")

    def admin_list(rows):
        for _ in range(rows):
            set_buyer_status(make_org(category=OrgCategory.PUBLIC_BODY), BuyerStatus.PENDING)
            set_buyer_status(make_org(category=OrgCategory.PUBLIC_BODY), BuyerStatus.APPROVED)
        client = app.test_client()
        login(client, make_user(is_admin=True))
        return _count(client, count_queries, "/admin/organisations")

    def members(rows):
        owner = make_user()
        org = set_buyer_status(make_org(category=OrgCategory.PUBLIC_BODY, owner=owner), BuyerStatus.APPROVED)
        for _ in range(rows):
            make_member(org, make_user())
        client = app.test_client()
        login(client, owner)
        return _count(client, count_queries, f"/organisations/{org.id}")

    counts = {page.__name__: (page(1), page(20)) for page in (my_orgs, admin_list, members)}
    assert {name: one == twenty for name, (one, twenty) in counts.items()} == {
        "my_orgs": True,
        "admin_list": True,
        "members": True,
    }, counts


def test_the_signed_in_user_comes_with_memberships_and_organisations_in_one_statement(app, count_queries):
    from compete.accounts.queries import load_user

    user = make_user()
    for _ in range(3):
        make_org(owner=user)
    user_id = user.get_id()
    db.session.expire_all()
    db.session.expunge_all()  # a new request: nothing in the identity map

    with count_queries() as counter:
        loaded = load_user(user_id)
        organisations = sorted(m.organisation.name for m in loaded.memberships)

    assert len(organisations) == 3
    assert counter.count == 1, counter.statements


def test_a_stale_session_token_loads_no_user(app):
    from compete.accounts.queries import load_user

    user = make_user()
    make_org(owner=user)
    raw_id = user.get_id().partition(":")[0]

    assert load_user(f"{raw_id}:not-the-token") is None
    assert load_user(f"{raw_id}:") is None
    assert load_user("x:y") is None
