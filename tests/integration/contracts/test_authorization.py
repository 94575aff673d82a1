"""Every contracts route for every role (STYLE.md's authorization matrix), and the verifier's list
in a constant number of queries."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from compete.audit.models import AuditEntry
from compete.audit.services import Actor
from compete.contracts import services
from compete.contracts.models import Claim, Milestone
from compete.contracts.states import ClaimState, MilestoneState
from compete.extensions import db
from tests.factories_competitions import login_as
from tests.factories_contracts import make_contract, make_winner_setup

ROLES = ["anonymous", "contractor", "other_participant", "verifier", "functionary", "officer", "other_officer"]

GET_MATRIX = {
    "manage": (302, 403, 403, 403, 403, 200, 403),
    "my_contracts": (302, 200, 200, 200, 200, 200, 200),
    "contract": (302, 200, 403, 403, 403, 403, 403),
    "verify_index": (302, 200, 200, 200, 200, 200, 200),
    "verify_claim": (302, 403, 403, 200, 403, 403, 403),
    "evidence": (302, 403, 403, 200, 403, 403, 403),  # R50: only the verifier sees evidence
}
# Empty POSTs: 400 where the form is incomplete, 302 where the step is refused with a message.
POST_MATRIX = {
    "create": (302, 403, 403, 403, 403, 400, 403),
    "add_milestone": (302, 403, 403, 403, 403, 400, 403),
    "add_outcome": (302, 403, 403, 403, 403, 400, 403),
    "sign": (302, 403, 403, 403, 403, 400, 403),
    "milestone_step": (302, 403, 403, 403, 403, 302, 403),
    "claim_step": (302, 403, 403, 403, 403, 302, 403),
    "results": (302, 403, 403, 403, 403, 400, 403),
    "deliver": (302, 302, 403, 403, 403, 403, 403),
    "claim": (302, 400, 403, 403, 403, 403, 403),
    "verify_claim": (302, 403, 403, 400, 403, 403, 403),
}


@pytest.fixture
def world(app, clock):
    clock.set(datetime(2027, 6, 1, 10, 0, tzinfo=UTC))
    cs = make_winner_setup()
    contract, outcome = make_contract(cs, outcome={})
    claim = services.submit_claim(
        outcome, cs.winner, cs.winner_org, 4, "4 av 10", filename="sum.csv", data=b"kohort;antall\n2026;4\n"
    )
    db.session.commit()
    users = {
        "anonymous": (None, None),
        "contractor": (cs.winner, cs.winner_org),
        "other_participant": (cs.other_participant, cs.other_org),
        "verifier": (cs.verifier, None),
        "functionary": (cs.functionary, None),
        "officer": (cs.officer, cs.buyer),
        "other_officer": (cs.other_officer, cs.other_buyer),
    }
    base = f"/manage/competitions/{cs.competition.slug}/contract"
    milestone = contract.milestones[0]
    urls = {
        "manage": base,
        "my_contracts": "/contracts",
        "contract": f"/contracts/{contract.id}",
        "verify_index": "/verify",
        "verify_claim": f"/verify/claims/{claim.id}",
        "evidence": f"/verify/claims/{claim.id}/evidence",
        "create": base,
        "add_milestone": f"{base}/milestones",
        "add_outcome": f"{base}/outcomes",
        "sign": f"{base}/sign",
        "milestone_step": f"{base}/milestones/{milestone.id}/accept",
        "claim_step": f"{base}/claims/{claim.id}/approve",
        "results": f"{base}/results",
        "deliver": f"/contracts/{contract.id}/milestones/{milestone.id}/deliver",
        "claim": f"/contracts/{contract.id}/outcomes/{outcome.id}/claims",
    }
    return users, urls


@pytest.mark.parametrize("route", sorted(GET_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_get_routes(client, world, route, role):
    users, urls = world
    user, org = users[role]
    if user is not None:
        login_as(client, user, org)
    assert client.get(urls[route]).status_code == GET_MATRIX[route][ROLES.index(role)]


@pytest.mark.parametrize("route", sorted(POST_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_post_routes(client, world, route, role):
    users, urls = world
    user, org = users[role]
    if user is not None:
        login_as(client, user, org)
    assert client.post(urls[route], data={}).status_code == POST_MATRIX[route][ROLES.index(role)]


def test_contract_page_is_hidden_from_the_contractor_until_signed(client, app, clock):
    clock.set(datetime(2027, 6, 1, 10, 0, tzinfo=UTC))
    cs = make_winner_setup()
    contract, _ = make_contract(cs, sign=False)
    db.session.commit()
    login_as(client, cs.winner, cs.winner_org)
    assert client.get(f"/contracts/{contract.id}").status_code == 403
    assert client.get("/contracts/999999").status_code == 404


def test_verifier_list_loads_in_a_constant_number_of_queries(client, app, clock, count_queries):
    clock.set(datetime(2027, 6, 1, 10, 0, tzinfo=UTC))
    cs = make_winner_setup()
    _contract, outcome = make_contract(cs, outcome={})
    verifier = Actor(cs.verifier, None, "verifier")

    def add_claims(n):
        for _ in range(n):
            claim = services.submit_claim(outcome, cs.winner, cs.winner_org, 2, "2 av 10")
            services.transition_claim(claim, ClaimState.REJECTED, verifier, "verifier", note="Mangler grunnlag")

    add_claims(1)
    db.session.commit()
    login_as(client, cs.verifier)
    client.get("/verify")
    with count_queries() as one:
        page = client.get("/verify")
    add_claims(19)
    db.session.commit()
    client.get("/verify")
    with count_queries() as twenty:
        page = client.get("/verify")
    assert page.get_data(as_text=True).count("/verify/claims/") == 20
    assert one.count == twenty.count


def test_refused_officer_posts_leave_the_state_unchanged(client, world):
    """The officer's refused steps redirect like the successful ones: the state must not move."""
    users, urls = world
    login_as(client, *users["officer"])
    claim = db.session.scalars(select(Claim)).one()
    milestone = db.session.scalars(select(Milestone).order_by(Milestone.position)).first()
    entries_before = db.session.scalar(select(func.count(AuditEntry.seq)))
    assert client.post(urls["claim_step"], data={}).status_code == 302  # not verified yet
    assert client.post(urls["milestone_step"], data={}).status_code == 302  # not delivered yet
    db.session.expire_all()
    assert claim.state == ClaimState.SUBMITTED and claim.amount is None and claim.approved_by_id is None
    assert milestone.state == MilestoneState.PLANNED and milestone.accepted_at is None
    assert db.session.scalar(select(func.count(AuditEntry.seq))) == entries_before


def test_ids_of_another_contract_are_not_found_under_the_officers_own_slug(client, app, clock):
    clock.set(datetime(2027, 6, 1, 10, 0, tzinfo=UTC))
    mine, theirs = make_winner_setup(), make_winner_setup()
    make_contract(mine, outcome={})
    contract, outcome = make_contract(theirs, outcome={})
    claim = services.submit_claim(outcome, theirs.winner, theirs.winner_org, 4, "4 av 10")
    services.transition_claim(
        claim, ClaimState.VERIFIED, Actor(theirs.verifier, None, "verifier"), "verifier", verified_count=4
    )
    milestone = contract.milestones[0]
    db.session.commit()
    login_as(client, mine.officer, mine.buyer)
    base = f"/manage/competitions/{mine.competition.slug}/contract"
    assert client.post(f"{base}/claims/{claim.id}/approve", data={}).status_code == 404
    assert client.post(f"{base}/milestones/{milestone.id}/accept", data={}).status_code == 404
    db.session.expire_all()
    assert claim.state == ClaimState.VERIFIED and milestone.state == MilestoneState.PLANNED
