"""Reads for the notices pages and the generator."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from compete.accounts.models import Organisation
from compete.awards.models import Decision, Selection, StageAward
from compete.awards.states import AwardState
from compete.competitions.models import CallVersion, Competition, Stage
from compete.competitions.states import CompetitionState
from compete.extensions import db
from compete.notices.models import KIND_CONTEST, KIND_RESULT, GeneratedNotice, NoticeSettings
from compete.submissions.models import Submission, SubmissionStatus


def settings_of(competition: Competition) -> NoticeSettings | None:
    return db.session.scalars(select(NoticeSettings).where(NoticeSettings.competition_id == competition.id)).first()


def notices_of(competition: Competition) -> list[GeneratedNotice]:
    return list(
        db.session.scalars(
            select(GeneratedNotice)
            .where(GeneratedNotice.competition_id == competition.id)
            .order_by(GeneratedNotice.generated_at.desc(), GeneratedNotice.id.desc())
        )
    )


def notice_of(competition: Competition, notice_id: int) -> GeneratedNotice | None:
    return db.session.scalars(
        select(GeneratedNotice).where(GeneratedNotice.competition_id == competition.id, GeneratedNotice.id == notice_id)
    ).first()


def pending_notices(limit: int = 20) -> list[GeneratedNotice]:
    return list(
        db.session.scalars(
            select(GeneratedNotice)
            .where(GeneratedNotice.validated_at.is_(None))
            .order_by(GeneratedNotice.id)
            .limit(limit)
        )
    )


def latest_call_version(competition: Competition) -> int | None:
    return db.session.scalar(select(func.max(CallVersion.number)).where(CallVersion.competition_id == competition.id))


def change_note_of(competition: Competition, number: int) -> str:
    return (
        db.session.scalar(
            select(CallVersion.change_note).where(
                CallVersion.competition_id == competition.id, CallVersion.number == number
            )
        )
        or ""
    )


def final_decision(competition: Competition) -> Decision | None:
    return db.session.scalars(
        select(Decision)
        .join(Stage, Stage.id == Decision.stage_id)
        .where(Stage.competition_id == competition.id, Decision.is_final.is_(True))
    ).first()


def winners_of(decision: Decision) -> list[tuple[Organisation, str]]:
    """The final decision's selected organisations, best first, with their entry's code."""
    rows = db.session.execute(
        select(Organisation, Submission.code)
        .join(Selection, Selection.organisation_id == Organisation.id)
        .outerjoin(Submission, Submission.id == Selection.submission_id)
        .where(Selection.decision_id == decision.id)
        .order_by(Selection.rank, Selection.id)
    ).all()
    return [(org, code or org.orgnr or str(org.id)) for org, code in rows]


def paid_by_organisation(competition: Competition) -> list[tuple[Organisation, int]]:
    """Prizes and stage payments paid out, per organisation (largest first)."""
    rows = db.session.execute(
        select(Organisation, func.sum(StageAward.amount))
        .join(StageAward, StageAward.organisation_id == Organisation.id)
        .join(Stage, Stage.id == StageAward.stage_id)
        .where(Stage.competition_id == competition.id, StageAward.state == AwardState.PAID)
        .group_by(Organisation.id)
        .order_by(func.sum(StageAward.amount).desc(), Organisation.name)
    ).all()
    return [(org, int(total)) for org, total in rows]


def entrants_of(competition: Competition) -> list[Organisation]:
    """The organisations whose entry was received in the first stage (submitted, not withdrawn)."""
    first = db.session.scalar(select(func.min(Stage.position)).where(Stage.competition_id == competition.id))
    return list(
        db.session.scalars(
            select(Organisation)
            .join(Submission, Submission.organisation_id == Organisation.id)
            .join(Stage, Stage.id == Submission.stage_id)
            .where(
                Stage.competition_id == competition.id,
                Stage.position == first,
                Submission.status == SubmissionStatus.SUBMITTED,
            )
        )
    )


@dataclass(frozen=True)
class Offer:
    """A notice the officer can generate now."""

    kind: str
    change_of: GeneratedNotice | None = None


def offers(competition: Competition, notices: list[GeneratedNotice], latest_version: int | None) -> list[Offer]:
    """Which notices can be generated: the contest notice once the call is published; its change notice
    once that notice is published on Doffin and the call has been amended since; the result notice once
    the final decision is made."""
    result: list[Offer] = []
    published = competition.published_at is not None and competition.state not in (
        CompetitionState.DRAFT,
        CompetitionState.CANCELLED,
    )
    if not published:
        return result
    result.append(Offer(KIND_CONTEST))
    announced = [n for n in notices if n.kind == KIND_CONTEST and n.doffin_reference]
    if announced and latest_version is not None:
        newest = max(announced, key=lambda n: (n.call_version or 0, n.id))
        if (newest.call_version or 0) < latest_version:
            result.append(Offer(KIND_CONTEST, change_of=newest))
    if final_decision(competition) is not None:
        result.append(Offer(KIND_RESULT))
    return result
