"""Decisions and their consequences: who was selected in a stage (R36), the decision that says so,
its notices and standstill (R31, R32), and complaints against it (R33)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compete.accounts.models import Organisation, User
from compete.competitions.models import Stage
from compete.core.models import TimestampMixin, UTCDateTime
from compete.extensions import db


class Decision(TimestampMixin, db.Model):
    """The buyer's decision for a stage: who advances (or wins). Notices go out at one moment;
    the standstill runs from then (R31, R32)."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), nullable=False, unique=True)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # Written reasons when an advisory jury's ranking is not followed (R28) ...
    deviation_reasons: Mapped[str] = mapped_column(Text, default="", nullable=False)
    # ... and when fewer are selected than announced (R36).
    fewer_reason: Mapped[str] = mapped_column(Text, default="", nullable=False)
    is_final: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    notices_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    standstill_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    stage: Mapped[Stage] = relationship()
    decided_by: Mapped[User] = relationship()
    selections: Mapped[list[Selection]] = relationship(back_populates="decision", order_by="Selection.rank")
    complaints: Mapped[list[Complaint]] = relationship(back_populates="decision", order_by="Complaint.received_at")


class Selection(TimestampMixin, db.Model):
    """An organisation selected in a stage; only they may submit in the next stage (R36)."""

    __tablename__ = "selections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), nullable=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    rank: Mapped[int | None] = mapped_column(Integer)

    stage: Mapped[Stage] = relationship()
    organisation: Mapped[Organisation] = relationship()
    decision: Mapped[Decision | None] = relationship(back_populates="selections")

    __table_args__ = (UniqueConstraint("stage_id", "organisation_id", name="uq_selections_stage_org"),)


class Complaint(TimestampMixin, db.Model):
    """A complaint against a decision, registered during the standstill; it blocks the agreement
    step until the officer records a response (R33)."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), nullable=False, index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    response: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    decision: Mapped[Decision] = relationship(back_populates="complaints")
    organisation: Mapped[Organisation | None] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    responded_by: Mapped[User | None] = relationship(foreign_keys=[responded_by_id])
