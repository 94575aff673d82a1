"""The life cycle of a stage award or the winner's award (R37) as data.

AWARDED ──sign──▶ AGREEMENT_SIGNED ──deliver──▶ DELIVERED ──accept──▶ ACCEPTED
      ──approve──▶ PAYMENT_APPROVED ──pay──▶ PAID;   DELIVERED ──reject──▶ REJECTED

Preconditions that depend on other records (the standstill gate before signing, an on-time
deliverable before accepting, an invoice reference before paying) are checked by
`compete.awards.services.awards.transition_award`, the one function that moves an award.
"""

import enum


class AwardKind(enum.StrEnum):
    STAGE = "stage"  # paid for developing the entry further in the next stage (e.g. 50 000 kr)
    WINNER = "winner"  # the final stage's winner (e.g. 450 000 kr)


class AwardState(enum.StrEnum):
    AWARDED = "awarded"
    AGREEMENT_SIGNED = "agreement_signed"
    DELIVERED = "delivered"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PAYMENT_APPROVED = "payment_approved"
    PAID = "paid"


# (from, to) -> who may make the move. Only the competition's officers move awards.
AWARD_TRANSITIONS: dict[tuple[AwardState, AwardState], frozenset[str]] = {
    (AwardState.AWARDED, AwardState.AGREEMENT_SIGNED): frozenset({"officer"}),
    (AwardState.AGREEMENT_SIGNED, AwardState.DELIVERED): frozenset({"officer"}),
    (AwardState.DELIVERED, AwardState.ACCEPTED): frozenset({"officer"}),
    (AwardState.DELIVERED, AwardState.REJECTED): frozenset({"officer"}),
    (AwardState.ACCEPTED, AwardState.PAYMENT_APPROVED): frozenset({"officer"}),
    (AwardState.PAYMENT_APPROVED, AwardState.PAID): frozenset({"officer"}),
}

# The action names used by the officer's page, and the state each leads to.
ACTIONS: dict[str, AwardState] = {
    "sign": AwardState.AGREEMENT_SIGNED,
    "deliver": AwardState.DELIVERED,
    "accept": AwardState.ACCEPTED,
    "reject": AwardState.REJECTED,
    "approve": AwardState.PAYMENT_APPROVED,
    "pay": AwardState.PAID,
}


def next_actions(state: AwardState) -> list[str]:
    """The actions allowed from `state`, in the table's order."""
    return [name for name, target in ACTIONS.items() if (state, target) in AWARD_TRANSITIONS]
