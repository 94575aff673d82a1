"""Life cycles of contract milestones and outcome claims, as data (STYLE.md habit 5).

Roles: "officer" (of the competition), "contractor" (a member of the winner organisation),
"verifier" (the verifier named on the outcome milestone). The tables say which moves exist and who
may make them; the services check the domain preconditions (ceiling, windows, counts).
"""

from __future__ import annotations

import enum

from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l


class MilestoneState(enum.StrEnum):
    PLANNED = "planned"
    DELIVERED = "delivered"
    ACCEPTED = "accepted"
    PAYMENT_APPROVED = "payment_approved"
    PAID = "paid"


class ClaimState(enum.StrEnum):
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    REJECTED = "rejected"
    APPROVED = "approved"
    PAID = "paid"


MILESTONE_TRANSITIONS: dict[tuple[MilestoneState, MilestoneState], frozenset[str]] = {
    (MilestoneState.PLANNED, MilestoneState.DELIVERED): frozenset({"contractor", "officer"}),
    (MilestoneState.DELIVERED, MilestoneState.PLANNED): frozenset({"officer"}),  # delivery sent back
    (MilestoneState.DELIVERED, MilestoneState.ACCEPTED): frozenset({"officer"}),
    (MilestoneState.ACCEPTED, MilestoneState.PAYMENT_APPROVED): frozenset({"officer"}),
    (MilestoneState.PAYMENT_APPROVED, MilestoneState.PAID): frozenset({"officer"}),
}

# R49: only the named verifier confirms; only then may an officer approve and pay.
CLAIM_TRANSITIONS: dict[tuple[ClaimState, ClaimState], frozenset[str]] = {
    (ClaimState.SUBMITTED, ClaimState.VERIFIED): frozenset({"verifier"}),
    (ClaimState.SUBMITTED, ClaimState.REJECTED): frozenset({"verifier"}),
    (ClaimState.VERIFIED, ClaimState.APPROVED): frozenset({"officer"}),
    (ClaimState.APPROVED, ClaimState.PAID): frozenset({"officer"}),
}


def check_move(table: dict, current, target, role: str) -> None:
    """Refuse a move the table does not have, or one the role may not make."""
    roles = table.get((current, target))
    if roles is None:
        raise DomainError(
            _l("This step is not possible now (from %(current)s to %(target)s).", current=current, target=target),
            code="transition",
        )
    if role not in roles:
        raise DomainError(_l("You may not take this step."), code="forbidden")
