"""Reads for competitions: named queries, each loading what its page shows."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from compete.accounts.models import Organisation
from compete.audit.models import AuditEntry
from compete.competitions.models import (
    CallVersion,
    Competition,
    CompetitionOwner,
    CompetitionTemplate,
    Follower,
    Question,
    Stage,
)
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


def competition_and_stage(slug: str, position: int) -> tuple[Competition, Stage] | None:
    """A competition with its owners and one of its stages, for the staff's per-stage pages (two
    statements; the other stages, criteria and categories load only if a page reads them)."""
    row = db.session.execute(
        select(Competition, Stage)
        .join(Stage, Stage.competition_id == Competition.id)
        .where(Competition.slug == slug, Stage.position == position)
        .options(selectinload(Competition.owners).joinedload(CompetitionOwner.organisation))
    ).first()
    return (row[0], row[1]) if row is not None else None


def managed_competitions(organisation_ids: list[int]) -> list[Competition]:
    """Competitions owned by any of these organisations, with owners and stages (constant query count)."""
    if not organisation_ids:
        return []
    owned = select(CompetitionOwner.competition_id).where(CompetitionOwner.organisation_id.in_(organisation_ids))
    return list(
        db.session.scalars(
            select(Competition)
            .where(Competition.id.in_(owned))
            .options(
                selectinload(Competition.stages),
                selectinload(Competition.owners).selectinload(CompetitionOwner.organisation),
            )
            .order_by(Competition.created_at.desc(), Competition.id.desc())
        )
    )


def competition_for_editing(slug: str) -> Competition | None:
    return db.session.scalars(
        select(Competition)
        .where(Competition.slug == slug)
        .options(
            selectinload(Competition.stages).selectinload(Stage.criteria),
            selectinload(Competition.stages).selectinload(Stage.fields),
            selectinload(Competition.stages).selectinload(Stage.file_slots),
            selectinload(Competition.owners).selectinload(CompetitionOwner.organisation),
            selectinload(Competition.eligibility_categories),
        )
    ).first()


def versions_of(competition: Competition) -> list[CallVersion]:
    return list(
        db.session.scalars(
            select(CallVersion).where(CallVersion.competition_id == competition.id).order_by(CallVersion.number)
        )
    )


def version_of(competition: Competition, number: int) -> CallVersion | None:
    return db.session.scalars(
        select(CallVersion).where(CallVersion.competition_id == competition.id, CallVersion.number == number)
    ).first()


def published_questions(competition: Competition) -> list[Question]:
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.competition_id == competition.id, Question.published_at.is_not(None))
            .order_by(Question.published_at, Question.id)
        )
    )


def all_questions(competition: Competition) -> list[Question]:
    """For officers: every question with who asked."""
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.competition_id == competition.id)
            .options(selectinload(Question.asker), selectinload(Question.organisation))
            .order_by(Question.asked_at, Question.id)
        )
    )


def question_of(competition: Competition, question_id: int) -> Question | None:
    return db.session.scalars(
        select(Question).where(Question.competition_id == competition.id, Question.id == question_id)
    ).first()


def is_following(competition: Competition, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        db.session.scalars(
            select(Follower.id).where(Follower.competition_id == competition.id, Follower.user_id == user.id)
        ).first()
        is not None
    )


def templates_for(organisation_ids: list[int]) -> list[CompetitionTemplate]:
    if not organisation_ids:
        return []
    return list(
        db.session.scalars(
            select(CompetitionTemplate)
            .where(CompetitionTemplate.organisation_id.in_(organisation_ids))
            .order_by(CompetitionTemplate.name)
        )
    )


def template_by_id(template_id: int) -> CompetitionTemplate | None:
    return db.session.get(CompetitionTemplate, template_id)


def competition_by_id(competition_id: int) -> Competition | None:
    return db.session.get(Competition, competition_id)


def organisation_by_orgnr(orgnr: str) -> Organisation | None:
    return db.session.scalars(select(Organisation).where(Organisation.orgnr == orgnr)).first()


def audit_actions(competition: Competition) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.competition_id == competition.id)
            .distinct()
            .order_by(AuditEntry.action)
        )
    )


def audit_trail(
    competition: Competition, *, action: str | None = None, since: datetime | None = None, until: datetime | None = None
) -> list[tuple[AuditEntry, Organisation | None]]:
    """The competition's audit entries, newest first, with the acting organisation (one query)."""
    query = (
        select(AuditEntry, Organisation)
        .outerjoin(Organisation, Organisation.id == AuditEntry.organisation_id)
        .where(AuditEntry.competition_id == competition.id)
    )
    if action:
        query = query.where(AuditEntry.action == action)
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until)
    return [tuple(row) for row in db.session.execute(query.order_by(AuditEntry.seq.desc()))]


def officers_of(competition: Competition) -> list:
    """Officers of every owner of the competition (lead buyer and co-owners)."""
    from compete.accounts.models import Membership, User

    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .join(CompetitionOwner, CompetitionOwner.organisation_id == Membership.organisation_id)
            .where(CompetitionOwner.competition_id == competition.id, Membership.is_officer.is_(True))
            .distinct()
            .order_by(User.id)
        )
    )
