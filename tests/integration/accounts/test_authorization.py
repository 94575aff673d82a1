"""Every accounts route against every role: anonymous, unverified, outsider, participant of
another organisation, officer of another buyer, member, owner and platform admin."""

import pytest

from compete.accounts import services
from compete.accounts.models import BuyerStatus, OrgCategory
from tests.factories import login, make_officer, make_org, make_participant, make_user
from tests.factories_accounts import make_member, set_buyer_status

ROLES = ["anonymous", "unverified", "outsider", "participant", "other_officer", "member", "owner", "admin"]
LOGIN = "login"  # 302 to the login page


def world():
    owner = make_user()
    member_user = make_user()
    buyer = make_org("Kommune", category=OrgCategory.PUBLIC_BODY, owner=owner)
    set_buyer_status(buyer, BuyerStatus.APPROVED)
    membership = make_member(buyer, member_user)
    body = make_org("Etat", category=OrgCategory.PUBLIC_BODY, owner=owner, members=[member_user])
    pending = set_buyer_status(make_org("Direktorat", category=OrgCategory.PUBLIC_BODY), BuyerStatus.PENDING)
    invitation = services.invite(owner, buyer, "invited@example.test")
    users = {
        "anonymous": None,
        "unverified": make_user(verified=False),
        "outsider": make_user(),
        "participant": make_participant()[0],
        "other_officer": make_officer(),
        "member": member_user,
        "owner": owner,
        "admin": make_user(is_admin=True),
    }
    return {
        "users": users,
        "buyer": buyer.id,
        "body": body.id,
        "pending": pending.id,
        "membership": membership.id,
        "token": services.invitation_token(invitation),
    }


def expect(default, **overrides):
    return [overrides.get(role, default) for role in ROLES]


ROUTES = [
    ("GET", "/login", {}, expect(302, anonymous=200)),
    ("GET", "/register", {}, expect(302, anonymous=200)),
    ("POST", "/logout", {}, expect(302)),
    ("GET", "/profile", {}, expect(200, anonymous=LOGIN)),
    ("GET", "/profile/export.json", {}, expect(200, anonymous=LOGIN)),
    ("POST", "/verify/resend", {}, expect(302, anonymous=LOGIN)),
    ("GET", "/verify/not-a-token", {}, expect(400)),
    ("GET", "/reset", {}, expect(200)),
    ("GET", "/reset/not-a-token", {}, expect(400)),
    ("GET", "/organisations", {}, expect(200, anonymous=LOGIN)),
    ("GET", "/organisations/new", {}, expect(200, anonymous=LOGIN, unverified=403)),
    ("GET", "/organisations/{buyer}", {}, expect(403, anonymous=LOGIN, member=200, owner=200, admin=200)),
    ("GET", "/organisations/{buyer}/invite", {}, expect(403, anonymous=LOGIN, owner=200)),
    ("POST", "/organisations/{buyer}/invite", {"email": "x@example.test"}, expect(403, anonymous=LOGIN, owner=302)),
    ("POST", "/organisations/{body}/buyer-request", {}, expect(403, anonymous=LOGIN, owner=302)),
    (
        "POST",
        "/organisations/{buyer}/members/{membership}/officer",
        {"officer": "1"},
        expect(403, anonymous=LOGIN, owner=302, admin=302),
    ),
    ("POST", "/organisations/switch", {"org_id": "{body}"}, expect(403, anonymous=LOGIN, member=302, owner=302)),
    ("GET", "/invitations/{token}", {}, expect(200)),
    ("POST", "/invitations/{token}", {}, expect(302, anonymous=LOGIN)),
    ("GET", "/invitations/bad-token", {}, expect(400)),
    ("GET", "/admin/organisations", {}, expect(403, anonymous=LOGIN, admin=200)),
    (
        "POST",
        "/admin/organisations/{pending}/decision",
        {"decision": "approve"},
        expect(403, anonymous=LOGIN, admin=302),
    ),
]

CASES = [
    pytest.param(method, path, data, role, expected, id=f"{method} {path} as {role}")
    for method, path, data, statuses in ROUTES
    for role, expected in zip(ROLES, statuses, strict=True)
]


@pytest.mark.parametrize(("method", "path", "data", "role", "expected"), CASES)
def test_route_access(client, method, path, data, role, expected):
    w = world()
    user = w["users"][role]
    if user is not None:
        login(client, user)
    url = path.format(**w)
    payload = {k: v.format(**w) for k, v in data.items()}
    response = client.open(url, method=method, data=payload)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    else:
        assert response.status_code == expected
