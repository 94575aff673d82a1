"""The milestone and claim transition tables, walked completely."""

import itertools

import pytest

from compete.contracts.states import (
    CLAIM_TRANSITIONS,
    MILESTONE_TRANSITIONS,
    ClaimState,
    MilestoneState,
    check_move,
)
from compete.core.errors import DomainError

ROLES = ("officer", "contractor", "verifier", "juror", "")

EXPECTED_MILESTONE = {
    ("planned", "delivered"): {"contractor", "officer"},
    ("delivered", "planned"): {"officer"},
    ("delivered", "accepted"): {"officer"},
    ("accepted", "payment_approved"): {"officer"},
    ("payment_approved", "paid"): {"officer"},
}
EXPECTED_CLAIM = {
    ("submitted", "verified"): {"verifier"},
    ("submitted", "rejected"): {"verifier"},
    ("verified", "approved"): {"officer"},
    ("approved", "paid"): {"officer"},
}


@pytest.mark.parametrize(
    ("table", "states", "expected"),
    [(MILESTONE_TRANSITIONS, MilestoneState, EXPECTED_MILESTONE), (CLAIM_TRANSITIONS, ClaimState, EXPECTED_CLAIM)],
    ids=["milestone", "claim"],
)
def test_every_move_for_every_role(app, table, states, expected):
    allowed = forbidden = 0
    for current, target in itertools.product(states, states):
        for role in ROLES:
            if role in expected.get((current.value, target.value), set()):
                check_move(table, current, target, role)
                allowed += 1
            else:
                with pytest.raises(DomainError) as exc:
                    check_move(table, current, target, role)
                assert exc.value.code == ("forbidden" if (current.value, target.value) in expected else "transition")
                forbidden += 1
    assert allowed == sum(len(r) for r in expected.values())
    assert allowed + forbidden == len(states) ** 2 * len(ROLES)


def test_paid_is_final_and_only_the_verifier_confirms(app):
    assert not any(current == MilestoneState.PAID for current, _ in MILESTONE_TRANSITIONS)
    assert not any(current in (ClaimState.PAID, ClaimState.REJECTED) for current, _ in CLAIM_TRANSITIONS)
    assert CLAIM_TRANSITIONS[(ClaimState.SUBMITTED, ClaimState.VERIFIED)] == frozenset({"verifier"})
