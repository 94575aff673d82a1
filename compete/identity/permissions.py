"""Who may set up a buyer's login provider."""

from __future__ import annotations

from compete.accounts.models import Organisation
from compete.accounts.permissions import can_act, is_admin, is_owner


def can_configure_provider(user, organisation: Organisation) -> bool:
    """Platform admins, and verified owners of an approved buyer, set up the buyer's OIDC provider."""
    if not organisation.is_approved_buyer:
        return False
    return is_admin(user) or (can_act(user) and is_owner(user, organisation))
