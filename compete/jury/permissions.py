"""Who may do what on a jury (named predicates for views and templates)."""

from __future__ import annotations

from sqlalchemy import select

from compete.accounts.models import Membership, User
from compete.competitions.models import Stage
from compete.competitions.permissions import can_manage_competition
from compete.extensions import db
from compete.jury.models import Clarification, JurySeat, SeatRole


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


def is_chair(user: User, stage: Stage) -> bool:
    seat = seat_of(user, stage)
    return seat is not None and seat.role == SeatRole.CHAIR


def has_scored_own(seat: JurySeat) -> bool:
    """Every scorecard the juror is expected to give is submitted: only then may they see the
    others' scores (a juror sees no one else's scores before submitting their own)."""
    from compete.jury import queries

    grid = queries.cells(seat.stage)
    return seat.declared_at is not None and all(
        grid.status(seat.id, entry.id) not in ("missing", "draft", "undeclared") for entry in grid.entries
    )


def hidden_entries(user: User, stage: Stage) -> set[int]:
    """Entries whose scores, totals and remarks the viewer may not see: none for officers, the
    conflicted and undeclared ones for a juror (R22)."""
    if can_manage_jury(user, stage):
        return set()
    from compete.jury import queries

    return queries.hidden_from(seat_of(user, stage))


def can_see_progress(user: User, stage: Stage) -> bool:
    """Officers and the jury's chair follow who has scored what (counts, no scores)."""
    return can_manage_jury(user, stage) or is_chair(user, stage)


def can_export(user: User, stage: Stage) -> bool:
    """Score sheets and the report as files: officers, and the chair once their own scores are in."""
    if can_manage_jury(user, stage):
        return True
    seat = seat_of(user, stage)
    return seat is not None and seat.role == SeatRole.CHAIR and has_scored_own(seat)


def is_functionary(user: User, stage: Stage) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    from compete.jury.services import is_functionary as staffed

    return staffed(user, stage)


def can_view_clarifications(user: User, stage: Stage) -> bool:
    """The functionary handles clarification questions; officers read the minutes."""
    return is_functionary(user, stage) or can_manage_jury(user, stage)


def can_answer_clarification(user: User, clarification: Clarification) -> bool:
    """Members of the entry's organisation (never a juror as such, R24)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        db.session.scalar(
            select(Membership.id).where(
                Membership.user_id == user.id, Membership.organisation_id == clarification.submission.organisation_id
            )
        )
        is not None
    )
