"""Who may do what with accounts and organisations: named predicates used by views and templates."""

from __future__ import annotations

from compete.accounts.models import BuyerStatus, MemberRole, Membership, Organisation, OrgCategory


def _membership(user, organisation: Organisation) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    for m in user.memberships:
        if m.organisation_id == organisation.id:
            return m
    return None


def can_act(user) -> bool:
    """A signed-in, active user whose e-mail address is verified may act for organisations."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_verified)


def is_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_admin)


def can_create_organisation(user) -> bool:
    """Any verified user may register an organisation (and becomes its owner)."""
    return can_act(user)


def can_view_organisation(user, organisation: Organisation) -> bool:
    """Members see their organisation; platform admins see every organisation."""
    return is_admin(user) or _membership(user, organisation) is not None


def is_owner(user, organisation: Organisation) -> bool:
    m = _membership(user, organisation)
    return m is not None and m.role == MemberRole.OWNER


def can_invite(user, organisation: Organisation) -> bool:
    """Verified owners invite members."""
    return can_act(user) and is_owner(user, organisation)


def can_request_buyer(user, organisation: Organisation) -> bool:
    """Verified owners of a public body ask to become a buyer (again after a rejection)."""
    return (
        can_act(user)
        and is_owner(user, organisation)
        and organisation.category == OrgCategory.PUBLIC_BODY
        and organisation.buyer_status in (BuyerStatus.NONE, BuyerStatus.REJECTED)
    )


def can_review_buyers(user) -> bool:
    """Only platform admins approve or reject buyer requests."""
    return is_admin(user)


def can_set_officer(user, organisation: Organisation) -> bool:
    """Owners of an approved buyer (and platform admins) give and remove the procurement-officer role."""
    if not organisation.is_approved_buyer:
        return False
    return is_admin(user) or (can_act(user) and is_owner(user, organisation))


def can_switch_to(user, organisation: Organisation) -> bool:
    return can_act(user) and _membership(user, organisation) is not None
