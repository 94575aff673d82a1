"""Who may see and change submissions (named predicates used by views and templates)."""

from __future__ import annotations

from sqlalchemy import select

from compete.accounts.models import Organisation, User
from compete.accounts.permissions import can_act
from compete.competitions.models import Competition, CompetitionStaff
from compete.competitions.permissions import can_manage_competition
from compete.extensions import db
from compete.submissions.models import Submission


def is_member(user: User, organisation: Organisation | int) -> bool:
    if not can_act(user):
        return False
    org_id = organisation if isinstance(organisation, int) else organisation.id
    # The user's memberships, which the header and the officer checks read on the same request.
    return any(m.organisation_id == org_id for m in user.memberships)


def is_functionary(user: User, competition: Competition) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        db.session.scalar(
            select(CompetitionStaff.id).where(
                CompetitionStaff.competition_id == competition.id,
                CompetitionStaff.user_id == user.id,
                CompetitionStaff.role == "functionary",
            )
        )
        is not None
    )


def can_edit_submission(user: User, submission: Submission) -> bool:
    """Members of the submitting organisation (the deadline is checked by the services)."""
    return is_member(user, submission.organisation_id)


def can_view_submission(user: User, submission: Submission) -> bool:
    """The participant, the competition's officers and its functionary; never jurors (they see codes only)."""
    competition = submission.stage.competition
    return (
        can_edit_submission(user, submission)
        or can_manage_competition(user, competition)
        or is_functionary(user, competition)
    )


def can_view_receipt_log(user: User, competition: Competition) -> bool:
    return can_manage_competition(user, competition) or is_functionary(user, competition)


def can_do_formal_check(user: User, competition: Competition) -> bool:
    """The functionary does the formal check; officers may too (they are never jurors, R23)."""
    return is_functionary(user, competition) or can_manage_competition(user, competition)


def can_extend_deadline(user: User, competition: Competition) -> bool:
    return can_manage_competition(user, competition)


def can_take_part(user: User, competition: Competition, organisation: Organisation | None) -> bool:
    """A verified member acting for an organisation that is not one of the competition's buyers."""
    if organisation is None or not is_member(user, organisation):
        return False
    return all(owner.organisation_id != organisation.id for owner in competition.owners)
