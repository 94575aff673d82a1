"""Who may do what with a development contract (named predicates for views and templates)."""

from __future__ import annotations

from compete.accounts.models import User
from compete.competitions.models import Competition
from compete.competitions.permissions import can_manage_competition
from compete.contracts.models import Claim, Contract, OutcomeMilestone


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def can_manage_contract(user: User, competition: Competition) -> bool:
    """The competition's officers (any owner) draft, sign and pay."""
    return _authenticated(user) and can_manage_competition(user, competition)


def is_contractor(user: User, contract: Contract) -> bool:
    """A member of the winner organisation that holds the contract."""
    if not _authenticated(user):
        return False
    return any(m.organisation_id == contract.organisation_id for m in user.memberships)


def can_view_contract_as_contractor(user: User, contract: Contract) -> bool:
    """The contractor sees its contract once it is signed."""
    return is_contractor(user, contract) and contract.is_signed


def is_named_verifier(user: User, outcome: OutcomeMilestone) -> bool:
    """Only the verifier named on the outcome milestone verifies its claims (R49)."""
    return _authenticated(user) and outcome.verifier_id == user.id


def can_verify(user: User, claim: Claim) -> bool:
    return is_named_verifier(user, claim.outcome)


def can_see_evidence(user: User, claim: Claim) -> bool:
    """R50: only the verifier sees the evidence."""
    return is_named_verifier(user, claim.outcome)
