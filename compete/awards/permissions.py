"""Who may do what with decisions, notices, complaints and awards (named predicates)."""

from __future__ import annotations

from compete.accounts.models import Organisation, User
from compete.awards.models import Decision, Notice
from compete.competitions.models import Competition
from compete.competitions.permissions import can_manage_competition
from compete.submissions.permissions import is_member


def can_decide(user: User, competition: Competition) -> bool:
    """The competition's officers record decisions and send notices."""
    return can_manage_competition(user, competition)


def can_manage_awards(user: User, competition: Competition) -> bool:
    """The competition's officers follow up agreements, deliverables and payments."""
    return can_manage_competition(user, competition)


def can_view_complaints(user: User, competition: Competition) -> bool:
    return can_manage_competition(user, competition)


def can_view_notice(user: User, notice: Notice) -> bool:
    """The participant's members and the competition's officers; nobody else (R14)."""
    return is_member(user, notice.organisation_id) or can_manage_competition(user, notice.decision.stage.competition)


def can_complain(user: User, decision: Decision, organisation: Organisation | None) -> bool:
    """A member acting for an organisation that took part in the decided stage."""
    from compete.awards.services import took_part

    return organisation is not None and is_member(user, organisation) and took_part(decision, organisation)


def can_set_payment_control(user: User, organisation: Organisation) -> bool:
    """The owner of an approved buyer decides whether its payments need four eyes (R37)."""
    from compete.accounts.permissions import can_act, is_owner

    return organisation.is_approved_buyer and can_act(user) and is_owner(user, organisation)
