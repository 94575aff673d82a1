"""Retention (R43): nothing of a competition is deleted before its retention period has run out.

A draft that was never published has no record yet and may be edited freely.
The period runs from when the competition ended (cancelled, or the notices of its final decision
sent) for `Competition.retention_years` years. A competition that has not ended is kept. The guard
is a session hook, so every ORM deletion of a part of the record is refused, whichever code asks.
A bulk `DELETE` statement on a table of the record would pass that hook unseen (it deletes rows the
session never loaded), so the session refuses those statements outright: the record's rows are
deleted one by one, each checked.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from compete.awards.models import Complaint, Decision, Notice
from compete.competitions.models import CallVersion, Competition, Question, Stage
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.submissions.models import Attachment, Submission, SubmissionVersion


def ended_at(competition: Competition, session=None) -> datetime | None:
    """When the competition ended: cancelled, or the final decision's notices sent; None while running."""
    if competition.cancelled_at is not None:
        return competition.cancelled_at
    session = session or Session.object_session(competition)
    return session.scalar(
        select(Decision.notices_sent_at)
        .join(Stage, Stage.id == Decision.stage_id)
        .where(Stage.competition_id == competition.id, Decision.is_final.is_(True))
        .order_by(Decision.notices_sent_at.desc())
        .limit(1)
    )


def _add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February in a year that has none
        return moment.replace(year=moment.year + years, day=28)


def retention_ends_at(competition: Competition, session=None) -> datetime | None:
    """The first moment anything of the competition may be deleted; None while it has not ended."""
    end = ended_at(competition, session)
    return None if end is None else _add_years(end, competition.retention_years)


def may_delete(competition: Competition, moment: datetime | None = None, session=None) -> bool:
    ends = retention_ends_at(competition, session)
    return ends is not None and (moment or now()) >= ends


def _competition_of(obj) -> Competition | None:
    """The competition a row of the record belongs to; None for rows that are not part of it."""
    if isinstance(obj, Competition):
        return obj
    if isinstance(obj, Stage | CallVersion | Question):
        return obj.competition
    if isinstance(obj, Submission):
        return obj.stage.competition
    if isinstance(obj, SubmissionVersion):
        return obj.submission.stage.competition
    if isinstance(obj, Attachment):
        # A draft's file that was never submitted is not part of the record.
        return obj.submission.stage.competition if obj.version_id is not None else None
    if isinstance(obj, Decision):
        return obj.stage.competition
    if isinstance(obj, Notice | Complaint):
        return obj.decision.stage.competition
    return None


# The tables whose rows `_competition_of` places in a competition's record.
RECORD_MODELS = (
    Competition,
    Stage,
    CallVersion,
    Question,
    Submission,
    SubmissionVersion,
    Attachment,
    Decision,
    Notice,
    Complaint,
)


RECORD_TABLES = frozenset(model.__tablename__ for model in RECORD_MODELS)


class BulkDeletionRefused(RuntimeError):
    """A programming error: a bulk DELETE aimed at the record, which the retention check cannot see."""


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_deletion(state) -> None:
    if not state.is_delete:
        return
    # By name: an ORM statement's table is an annotated copy of the model's, not the same object.
    table = getattr(state.statement, "table", None)
    if table is not None and table.name in RECORD_TABLES:
        raise BulkDeletionRefused(
            f"bulk DELETE on {table.name} is refused: rows of a competition's record are deleted "
            "through the session one by one, so that their retention period (R43) is checked"
        )


@event.listens_for(Session, "before_flush")
def _refuse_early_deletion(session, _flush_context, _instances) -> None:
    checked: dict[int, bool] = {}
    for obj in list(session.deleted):
        competition = _competition_of(obj)
        if competition is None or competition.published_at is None:
            continue  # a draft that was never published has no record yet
        if competition.id not in checked:
            checked[competition.id] = may_delete(competition, session=session)
        if not checked[competition.id]:
            raise DomainError(
                _l("The record of %(title)s is kept until its retention period ends.", title=competition.title),
                code="retention",
            )
