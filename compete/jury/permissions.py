"""Who may do what on a jury (named predicates for views and templates)."""

from __future__ import annotations

from sqlalchemy import select

from compete.accounts.models import User
from compete.competitions.models import Stage
from compete.competitions.permissions import can_manage_competition
from compete.extensions import db
from compete.jury.models import JurySeat


def seat_of(user: User, stage: Stage) -> JurySeat | None:
    """The user's active seat on the stage's jury, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalars(
        select(JurySeat).where(
            JurySeat.stage_id == stage.id, JurySeat.user_id == user.id, JurySeat.replaced_at.is_(None)
        )
    ).first()


def can_manage_jury(user: User, stage: Stage) -> bool:
    return can_manage_competition(user, stage.competition)


def can_see_ranking(user: User, stage: Stage) -> bool:
    """Officers always; a juror once their own declaration is filed (their queue shows their progress)."""
    if can_manage_jury(user, stage):
        return True
    seat = seat_of(user, stage)
    return seat is not None and seat.declared_at is not None
