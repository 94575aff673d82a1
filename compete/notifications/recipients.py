"""Who is told about a competition: one query, each person once (R4, R12, R35).

Every member of every organisation that has started an entry in any stage (draft, submitted or
withdrawn alike), plus everyone who follows the competition. Accounts that were closed are left out.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from compete.accounts.models import Membership, User
from compete.competitions.models import Follower, Stage
from compete.extensions import db
from compete.submissions.models import Submission


def participants_of(competition_id: int) -> list[User]:
    """Followers and members of participating organisations, each once, ordered by account id."""
    entrant_orgs = (
        select(Submission.organisation_id)
        .join(Stage, Stage.id == Submission.stage_id)
        .where(Stage.competition_id == competition_id)
    )
    members = select(Membership.user_id).where(Membership.organisation_id.in_(entrant_orgs))
    followers = select(Follower.user_id).where(Follower.competition_id == competition_id)
    return list(
        db.session.scalars(
            select(User)
            .where(
                or_(User.id.in_(members), User.id.in_(followers)),
                User.is_active_account.is_(True),
            )
            .order_by(User.id)
        )
    )


def members_of(organisation_ids: list[int]) -> dict[int, list[User]]:
    """organisation id -> its members with an open account, ordered by account id (one query)."""
    if not organisation_ids:
        return {}
    rows = db.session.execute(
        select(Membership.organisation_id, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id.in_(organisation_ids), User.is_active_account.is_(True))
        .order_by(Membership.organisation_id, User.id)
    ).all()
    result: dict[int, list[User]] = {org_id: [] for org_id in organisation_ids}
    for org_id, user in rows:
        result[org_id].append(user)
    return result
