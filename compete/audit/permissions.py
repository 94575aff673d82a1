"""Who may read the procurement protocol and the programme statistics."""

from __future__ import annotations

from compete.accounts.models import User
from compete.competitions.models import Competition
from compete.competitions.permissions import buyer_organisations, can_manage_competition


def can_view_protocol(user: User, competition: Competition) -> bool:
    """The competition's officers, of the lead buyer or a co-owner; nobody else (R42)."""
    return can_manage_competition(user, competition)


def can_view_statistics(user: User, competition: Competition) -> bool:
    """The competition's officers, as for the protocol."""
    return can_manage_competition(user, competition)


def can_view_programme_statistics(user: User) -> bool:
    """Officers of an approved buyer: statistics over their organisations' competitions."""
    return bool(buyer_organisations(user))
