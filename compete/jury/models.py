"""Jury seats, impartiality declarations, scorecards, consensus remarks and report approvals."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compete.accounts.models import User
from compete.competitions.models import Criterion, Stage
from compete.core.models import TimestampMixin, UTCDateTime
from compete.extensions import db
from compete.jury.states import ClarificationStatus
from compete.submissions.models import Submission


def _enum(cls, name):
    return Enum(cls, name=name, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class SeatRole(enum.StrEnum):
    CHAIR = "chair"
    MEMBER = "member"
    USER_REPRESENTATIVE = "user_representative"


class Answer(enum.StrEnum):
    NO_CONFLICT = "no_conflict"
    CONFLICT = "conflict"
    IN_DOUBT = "in_doubt"


class JurySeat(TimestampMixin, db.Model):
    """A natural person on a stage's jury (R21). A replaced seat stays, with its reason (R29)."""

    __tablename__ = "jury_seats"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    role: Mapped[SeatRole] = mapped_column(_enum(SeatRole, "seat_role"), nullable=False)
    appointed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    briefing_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    affiliations: Mapped[str | None] = mapped_column(Text)
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replacement_reason: Mapped[str | None] = mapped_column(Text)

    stage: Mapped[Stage] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (
        UniqueConstraint("stage_id", "user_id", name="uq_jury_seats_stage_user"),
        CheckConstraint("replaced_at IS NULL OR replacement_reason IS NOT NULL", name="replacement_has_reason"),
    )

    @property
    def active(self) -> bool:
        return self.replaced_at is None


class EntryDeclaration(db.Model):
    """A juror's impartiality answer for one entry (R22), and the officer's ruling when in doubt."""

    __tablename__ = "entry_declarations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seat_id: Mapped[int] = mapped_column(ForeignKey("jury_seats.id"), nullable=False, index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), nullable=False)
    answer: Mapped[Answer] = mapped_column(_enum(Answer, "declaration_answer"), nullable=False)
    explanation: Mapped[str] = mapped_column(Text, default="", nullable=False)
    # The officer's ruling on "in doubt": True = conflicted, False = may take part.
    ruled_conflict: Mapped[bool | None] = mapped_column()
    ruling_reason: Mapped[str | None] = mapped_column(Text)
    ruled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ruled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    seat: Mapped[JurySeat] = relationship()
    submission: Mapped[Submission] = relationship()

    __table_args__ = (
        UniqueConstraint("seat_id", "submission_id", name="uq_entry_declarations_seat_submission"),
        CheckConstraint("answer = 'no_conflict' OR explanation <> ''", name="explained"),
        CheckConstraint("ruled_conflict IS NULL OR ruling_reason IS NOT NULL", name="ruling_has_reason"),
    )

    @property
    def conflicted(self) -> bool | None:
        """True/False when settled; None while an "in doubt" waits for the officer."""
        if self.answer == Answer.CONFLICT:
            return True
        if self.answer == Answer.NO_CONFLICT:
            return False
        return self.ruled_conflict


class Scorecard(TimestampMixin, db.Model):
    """One juror's scores for one entry: a draft until submitted, read-only afterwards."""

    __tablename__ = "scorecards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seat_id: Mapped[int] = mapped_column(ForeignKey("jury_seats.id"), nullable=False, index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), nullable=False, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    seat: Mapped[JurySeat] = relationship()
    scores: Mapped[list[Score]] = relationship(back_populates="scorecard", cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("seat_id", "submission_id", name="uq_scorecards_seat_submission"),)


class Score(db.Model):
    __tablename__ = "scores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id"), nullable=False, index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id"), nullable=False)
    value: Mapped[int | None] = mapped_column(Integer)
    justification: Mapped[str] = mapped_column(Text, default="", nullable=False)

    scorecard: Mapped[Scorecard] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()

    __table_args__ = (UniqueConstraint("scorecard_id", "criterion_id", name="uq_scores_card_criterion"),)


class ConsensusRemark(TimestampMixin, db.Model):
    """The jury's agreed remark on an entry, recorded by the chair."""

    __tablename__ = "consensus_remarks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), nullable=False)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)

    __table_args__ = (UniqueConstraint("stage_id", "submission_id", name="uq_consensus_remarks_entry"),)


class ReportApproval(TimestampMixin, db.Model):
    """A juror's approval of the jury report as it stood (its hash); all approvals lock the ranking (R27)."""

    __tablename__ = "report_approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seat_id: Mapped[int] = mapped_column(ForeignKey("jury_seats.id"), nullable=False, unique=True)
    report_sha256: Mapped[str] = mapped_column(String(64), nullable=False)


class AssignmentMode(enum.StrEnum):
    ALL = "all"  # every juror scores every entry they have no conflict with
    PER_ENTRY = "per_entry"  # N jurors per entry, balanced load


class AssignmentPlan(TimestampMixin, db.Model):
    """How a stage's entries are shared among its jurors, chosen by the officer before scoring opens.
    No plan means everyone scores everything."""

    __tablename__ = "jury_assignment_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), nullable=False, unique=True)
    mode: Mapped[AssignmentMode] = mapped_column(_enum(AssignmentMode, "assignment_mode"), nullable=False)
    jurors_per_entry: Mapped[int | None] = mapped_column(Integer)
    set_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    __table_args__ = (
        CheckConstraint(
            "(mode = 'all' AND jurors_per_entry IS NULL) OR (mode = 'per_entry' AND jurors_per_entry >= 1)",
            name="mode_matches_count",
        ),
    )


class Assignment(db.Model):
    """One juror seat assigned to score one entry (only under AssignmentMode.PER_ENTRY)."""

    __tablename__ = "jury_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seat_id: Mapped[int] = mapped_column(ForeignKey("jury_seats.id"), nullable=False, index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), nullable=False, index=True)

    __table_args__ = (UniqueConstraint("seat_id", "submission_id", name="uq_jury_assignments_seat_submission"),)


class Clarification(db.Model):
    """A jury's clarification question about an entry, through the functionary (R26). The row is
    the minute: each step keeps its text, who did it and when."""

    __tablename__ = "clarifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), nullable=False, index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), nullable=False, index=True)
    seat_id: Mapped[int] = mapped_column(ForeignKey("jury_seats.id"), nullable=False)
    status: Mapped[ClarificationStatus] = mapped_column(
        _enum(ClarificationStatus, "clarification_status"), nullable=False
    )
    question: Mapped[str] = mapped_column(Text, nullable=False)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    forwarded_question: Mapped[str | None] = mapped_column(Text)
    forwarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str | None] = mapped_column(Text)
    declined_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    relayed_answer: Mapped[str | None] = mapped_column(Text)
    relayed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    relayed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    stage: Mapped[Stage] = relationship()
    submission: Mapped[Submission] = relationship()
    seat: Mapped[JurySeat] = relationship()

    __table_args__ = (
        CheckConstraint(
            "status <> 'declined' OR (decline_reason IS NOT NULL AND declined_at IS NOT NULL)",
            name="declined_has_reason",
        ),
        CheckConstraint(
            "status NOT IN ('forwarded', 'answered', 'relayed') OR "
            "(forwarded_question IS NOT NULL AND forwarded_at IS NOT NULL)",
            name="forwarded_has_text",
        ),
        CheckConstraint(
            "status NOT IN ('answered', 'relayed') OR (answer IS NOT NULL AND answered_at IS NOT NULL)",
            name="answered_has_text",
        ),
        CheckConstraint(
            "status <> 'relayed' OR (relayed_answer IS NOT NULL AND relayed_at IS NOT NULL)",
            name="relayed_has_text",
        ),
    )
