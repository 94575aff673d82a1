"""Every protocol and statistics route for every role (STYLE.md's authorization matrix)."""

import pytest

from tests.factories_competitions import login_as

ROLES = ["anonymous", "participant", "juror", "functionary", "other_officer", "officer", "co_owner_officer"]

# route -> expected status per role, in ROLES order. 302 for anonymous is the redirect to /login.
MATRIX = {
    "protocol": (302, 403, 403, 403, 403, 200, 200),
    "protocol.json": (302, 403, 403, 403, 403, 200, 200),
    "protocol.pdf": (302, 403, 403, 403, 403, 200, 200),
    "statistics": (302, 403, 403, 403, 403, 200, 200),
    "programme": (302, 403, 403, 403, 200, 200, 200),
}


def _url(world, route: str) -> str:
    if route == "programme":
        return "/manage/statistics"
    return f"/manage/competitions/{world.slug}/{route}"


@pytest.mark.parametrize("route", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_routes(client, world, route, role):
    user, org = world.users[role]
    if user is not None:
        login_as(client, user, org)
    response = client.get(_url(world, route))
    assert response.status_code == MATRIX[route][ROLES.index(role)]
    if role == "anonymous":
        assert "/login" in response.headers["Location"]


def test_unknown_competition_is_404(client, world):
    user, org = world.users["officer"]
    login_as(client, user, org)
    for route in ("protocol", "protocol.json", "protocol.pdf", "statistics"):
        assert client.get(f"/manage/competitions/no-such-competition/{route}").status_code == 404
