"""Decisions and their consequences: who was selected in a stage (R36), the decision that says so,
its notices and standstill (R31, R32), and complaints against it (R33)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compete.accounts.models import Organisation, User
from compete.awards.states import AwardKind, AwardState
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


def _enum(cls, name):
    return Enum(cls, name=name, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class Notice(TimestampMixin, db.Model):
    """One letter of a decision to one participant (R31): what it said (a JSON snapshot of the letter,
    so that the PDF shows what was sent), to whom, in which language, and the outbox message that
    carries it (its `sent_at` is the send time)."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), nullable=False, index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), nullable=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recipient_email: Mapped[str] = mapped_column(String(254), nullable=False)
    language: Mapped[str] = mapped_column(String(5), nullable=False)
    # selected, not_selected, winner, project_ends
    outcome: Mapped[str] = mapped_column(String(20), nullable=False)
    letter: Mapped[dict] = mapped_column(JSON, nullable=False)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id"))

    decision: Mapped[Decision] = relationship()
    organisation: Mapped[Organisation] = relationship()
    recipient: Mapped[User | None] = relationship()

    __table_args__ = (
        UniqueConstraint("decision_id", "submission_id", name="uq_notices_decision_submission"),
        CheckConstraint("outcome IN ('selected', 'not_selected', 'winner', 'project_ends')", name="outcome_known"),
    )


class StageAward(TimestampMixin, db.Model):
    """The money a selected participant receives for a stage (R37): agreement, deliverable,
    acceptance, approval and payment. State and columns are tied together by check constraints."""

    __tablename__ = "stage_awards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), nullable=False, index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), nullable=False)
    selection_id: Mapped[int] = mapped_column(ForeignKey("selections.id"), nullable=False, unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    kind: Mapped[AwardKind] = mapped_column(_enum(AwardKind, "award_kind"), nullable=False)
    amount: Mapped[int] = mapped_column(Integer, nullable=False)  # whole kroner
    state: Mapped[AwardState] = mapped_column(
        _enum(AwardState, "award_state"), default=AwardState.AWARDED, nullable=False
    )
    # When the deliverable is due; None = the next stage's deadline.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    agreement_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    agreement_signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_on_time: Mapped[bool | None] = mapped_column(Boolean)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    payment_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    payment_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    invoice_reference: Mapped[str | None] = mapped_column(String(100))
    recipient_orgnr: Mapped[str | None] = mapped_column(String(40))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    stage: Mapped[Stage] = relationship()
    organisation: Mapped[Organisation] = relationship()
    selection: Mapped[Selection] = relationship()
    payment_approved_by: Mapped[User | None] = relationship(foreign_keys=[payment_approved_by_id])
    paid_by: Mapped[User | None] = relationship(foreign_keys=[paid_by_id])

    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_non_negative"),
        CheckConstraint("state = 'awarded' OR agreement_signed_at IS NOT NULL", name="signed_has_time"),
        CheckConstraint(
            "state IN ('awarded', 'agreement_signed') OR (delivered_at IS NOT NULL AND delivered_on_time IS NOT NULL)",
            name="delivered_has_time",
        ),
        CheckConstraint("state <> 'rejected' OR rejection_reason IS NOT NULL", name="rejected_has_reason"),
        CheckConstraint(
            "state NOT IN ('accepted', 'payment_approved', 'paid') OR (accepted_at IS NOT NULL AND delivered_on_time)",
            name="accepted_on_time",
        ),
        CheckConstraint(
            "state NOT IN ('payment_approved', 'paid') OR (payment_approved_at IS NOT NULL "
            "AND payment_approved_by_id IS NOT NULL AND invoice_reference IS NOT NULL AND recipient_orgnr IS NOT NULL)",
            name="approved_has_payment_record",
        ),
        CheckConstraint("state <> 'paid' OR (paid_at IS NOT NULL AND paid_by_id IS NOT NULL)", name="paid_has_time"),
    )
