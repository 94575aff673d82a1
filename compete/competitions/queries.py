"""Reads for competitions: named queries, each loading what its page shows."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from compete.competitions.models import Competition, CompetitionOwner, Stage
from compete.competitions.states import CompetitionState
from compete.extensions import db

PUBLIC_STATES = (CompetitionState.PUBLISHED, CompetitionState.CONTRACT, CompetitionState.COMPLETED)


def public_competitions() -> list[Competition]:
    """Published competitions with their stages and owners, newest first (constant query count)."""
    return list(
        db.session.scalars(
            select(Competition)
            .where(Competition.state.in_(PUBLIC_STATES))
            .options(
                selectinload(Competition.stages),
                selectinload(Competition.owners).selectinload(CompetitionOwner.organisation),
            )
            .order_by(Competition.published_at.desc(), Competition.id.desc())
        )
    )


def competition_by_slug(slug: str) -> Competition | None:
    return db.session.scalars(
        select(Competition)
        .where(Competition.slug == slug)
        .options(
            selectinload(Competition.stages).selectinload(Stage.criteria),
            selectinload(Competition.owners).selectinload(CompetitionOwner.organisation),
            selectinload(Competition.eligibility_categories),
        )
    ).first()
