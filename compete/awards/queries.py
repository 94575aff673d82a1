"""Reads for awards, each page's data in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from compete.accounts.models import Membership, Organisation, User
from compete.awards.models import Complaint, Decision, Notice, Selection, StageAward
from compete.awards.states import AwardState
from compete.competitions.models import Competition, Stage
from compete.core import navflags
from compete.extensions import db
from compete.notifications.models import OutboxMessage


def paid_by_stage(stage_ids: list[int]) -> dict[int, int]:
    """Stage id -> kroner paid (awards in PAID) for the given stages, in one query."""
    if not stage_ids:
        return {}
    return {
        stage_id: int(total)
        for stage_id, total in db.session.execute(
            select(StageAward.stage_id, func.coalesce(func.sum(StageAward.amount), 0))
            .where(StageAward.stage_id.in_(stage_ids), StageAward.state == AwardState.PAID)
            .group_by(StageAward.stage_id)
        )
    }


def payments_per_stage(competition: Competition) -> dict[int, int]:
    """Stage id -> kroner paid (awards in PAID), every stage of the competition included."""
    paid = paid_by_stage([stage.id for stage in competition.stages])
    return {stage.id: paid.get(stage.id, 0) for stage in competition.stages}


def decisions_of(competition: Competition, *, announced_only: bool = False) -> list[Decision]:
    """The competition's decisions; `announced_only` keeps those whose notices have gone out, which
    is when a decision becomes known to anyone outside the buyer (R31)."""
    query = select(Decision).join(Stage, Stage.id == Decision.stage_id).where(Stage.competition_id == competition.id)
    if announced_only:
        query = query.where(Decision.notices_sent_at.is_not(None))
    return list(
        db.session.scalars(
            query.options(
                selectinload(Decision.selections).selectinload(Selection.organisation),
                selectinload(Decision.decided_by),
                selectinload(Decision.stage),
            ).order_by(Stage.position)
        )
    )


@dataclass(frozen=True)
class NoticeRow:
    notice: Notice
    sent_at: datetime | None
    status: str | None


def notices_of(decision: Decision) -> list[NoticeRow]:
    """Every notice of a decision with the outbox's send time (one query)."""
    rows = db.session.execute(
        select(Notice, OutboxMessage.sent_at, OutboxMessage.status)
        .outerjoin(OutboxMessage, OutboxMessage.id == Notice.outbox_message_id)
        .where(Notice.decision_id == decision.id)
        .options(selectinload(Notice.organisation))
        .order_by(Notice.id)
    ).all()
    return [NoticeRow(n, sent, None if status is None else str(status)) for n, sent, status in rows]


def notice_by_id(notice_id: int) -> Notice | None:
    return db.session.scalars(
        select(Notice)
        .where(Notice.id == notice_id)
        .options(selectinload(Notice.decision).selectinload(Decision.stage).selectinload(Stage.competition))
    ).first()


def complaints_of(competition: Competition) -> list[Complaint]:
    return list(
        db.session.scalars(
            select(Complaint)
            .join(Decision, Decision.id == Complaint.decision_id)
            .join(Stage, Stage.id == Decision.stage_id)
            .where(Stage.competition_id == competition.id)
            .options(
                selectinload(Complaint.organisation),
                selectinload(Complaint.submitted_by),
                selectinload(Complaint.responded_by),
                selectinload(Complaint.decision).selectinload(Decision.stage),
            )
            .order_by(Complaint.received_at, Complaint.id)
        )
    )


def awards_of(competition: Competition) -> list[StageAward]:
    return list(
        db.session.scalars(
            select(StageAward)
            .join(Stage, Stage.id == StageAward.stage_id)
            .where(Stage.competition_id == competition.id)
            .options(
                selectinload(StageAward.organisation),
                selectinload(StageAward.stage),
                selectinload(StageAward.payment_approved_by),
                selectinload(StageAward.paid_by),
            )
            .order_by(Stage.position, StageAward.id)
        )
    )


def award_of(competition: Competition, award_id: int) -> StageAward | None:
    award = db.session.get(StageAward, award_id)
    if award is None or award.stage.competition_id != competition.id:
        return None
    return award


def has_decision(competition: Competition) -> bool:
    return (
        db.session.scalar(
            select(Decision.id)
            .join(Stage, Stage.id == Decision.stage_id)
            .where(Stage.competition_id == competition.id)
            .limit(1)
        )
        is not None
    )


def notices_of_user(user: User, *, sent_only: bool = False) -> list[Notice]:
    """The decision letters to any organisation the user belongs to (their outcomes, R38);
    with `sent_only`, only those of decisions whose notices have been sent (R31)."""
    org_ids = select(Membership.organisation_id).where(Membership.user_id == user.id)
    query = select(Notice).where(Notice.organisation_id.in_(org_ids))
    if sent_only:
        query = query.join(Decision, Decision.id == Notice.decision_id).where(Decision.notices_sent_at.is_not(None))
    return list(
        db.session.scalars(
            query.options(
                selectinload(Notice.organisation),
                selectinload(Notice.decision).selectinload(Decision.stage).selectinload(Stage.competition),
            ).order_by(Notice.queued_at.desc(), Notice.id.desc())
        )
    )


def organisations_by_id(ids: list[int]) -> dict[int, Organisation]:
    if not ids:
        return {}
    return {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}


def remarks_of(stage: Stage) -> dict[int, str]:
    """submission id -> the jury's consensus remark on it."""
    from compete.jury.models import ConsensusRemark

    return {
        r.submission_id: r.text
        for r in db.session.scalars(select(ConsensusRemark).where(ConsensusRemark.stage_id == stage.id))
    }


def _notices_to(user_id: int):
    member_of = select(Membership.organisation_id).where(Membership.user_id == user_id)
    return select(Notice.id).where(Notice.organisation_id.in_(member_of))


navflags.register("notices", _notices_to)


def announced_stage_ids(competition: Competition) -> set[int]:
    """Stages whose decision has been announced (notices sent)."""
    return set(
        db.session.scalars(
            select(Decision.stage_id)
            .join(Stage, Stage.id == Decision.stage_id)
            .where(Stage.competition_id == competition.id, Decision.notices_sent_at.is_not(None))
        )
    )


@dataclass(frozen=True)
class AwardsFacts:
    """What the officer's cockpit needs from awards, in three queries: the decisions (with their
    stage), unanswered complaints, and per award its state, stage and due time."""

    decisions: dict[int, Decision]  # stage id -> decision
    unanswered_complaints: int
    awards: list[tuple[AwardState, int, datetime | None]]  # (state, stage id, due_at)


def cockpit_facts(competition: Competition) -> AwardsFacts:
    decisions = {
        d.stage_id: d
        for d in db.session.scalars(
            select(Decision).join(Stage, Stage.id == Decision.stage_id).where(Stage.competition_id == competition.id)
        )
    }
    unanswered = db.session.scalar(
        select(func.count(Complaint.id))
        .join(Decision, Decision.id == Complaint.decision_id)
        .join(Stage, Stage.id == Decision.stage_id)
        .where(Stage.competition_id == competition.id, Complaint.responded_at.is_(None))
    )
    awards = [
        (AwardState(state), stage_id, due_at)
        for state, stage_id, due_at in db.session.execute(
            select(StageAward.state, StageAward.stage_id, StageAward.due_at)
            .join(Stage, Stage.id == StageAward.stage_id)
            .where(Stage.competition_id == competition.id, StageAward.state != AwardState.PAID)
        )
    ]
    return AwardsFacts(decisions, int(unanswered or 0), awards)
