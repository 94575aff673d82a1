"""Who may do what with a competition: named predicates used by views and templates."""

from __future__ import annotations

from compete.accounts.models import Organisation, User
from compete.competitions.models import Competition
from compete.competitions.states import CompetitionState


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def buyer_organisations(user: User) -> list[Organisation]:
    """Approved buyer organisations in which `user` is a procurement officer."""
    if not _authenticated(user):
        return []
    return [m.organisation for m in user.memberships if m.is_officer and m.organisation.is_approved_buyer]


def officer_organisations(user: User, competition: Competition) -> list[Organisation]:
    """The owners of `competition` for which `user` acts as an officer."""
    owner_ids = {owner.organisation_id for owner in competition.owners}
    return [org for org in buyer_organisations(user) if org.id in owner_ids]


def officer_organisation(user: User, competition: Competition, preferred_id: int | None = None) -> Organisation | None:
    """The organisation `user` acts for as officer of `competition`: the chosen one if it fits, else the first."""
    orgs = officer_organisations(user, competition)
    for org in orgs:
        if org.id == preferred_id:
            return org
    return orgs[0] if orgs else None


def participant_organisation(user: User, preferred_id: int | None = None) -> Organisation | None:
    """The organisation a signed-in user acts for: the chosen membership if any, else the first."""
    if not _authenticated(user):
        return None
    orgs = [m.organisation for m in user.memberships]
    for org in orgs:
        if org.id == preferred_id:
            return org
    return orgs[0] if orgs else None


def can_create_competition(user: User) -> bool:
    """Officers of an approved buyer may create competitions for it."""
    return bool(buyer_organisations(user))


def can_manage_competition(user: User, competition: Competition) -> bool:
    """Officers of any approved owner (lead or co-owner) have the same rights."""
    return bool(officer_organisations(user, competition))


def can_view_call(user: User, competition: Competition) -> bool:
    """Published (and later) calls are public; drafts only for their officers."""
    return competition.state != CompetitionState.DRAFT or can_manage_competition(user, competition)


def can_follow(user: User, competition: Competition) -> bool:
    """Signed-in users acting for an organisation may follow a public call."""
    return competition.state != CompetitionState.DRAFT and participant_organisation(user) is not None


def can_ask_question(user: User, competition: Competition) -> bool:
    """Registered participants (not the competition's own officers) may ask in writing (R12)."""
    return (
        competition.state == CompetitionState.PUBLISHED
        and participant_organisation(user) is not None
        and not can_manage_competition(user, competition)
    )
