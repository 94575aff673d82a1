"""The development contract with the winner, its milestones, outcome milestones and claims
(R40, R49, R50). Money is whole kroner (int); the ceiling caps every payment together."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compete.accounts.models import Organisation, User
from compete.competitions.models import Competition, Stage
from compete.contracts.states import ClaimState, MilestoneState
from compete.core.models import TimestampMixin, UTCDateTime
from compete.extensions import db


def _enum(cls, name):
    return Enum(cls, name=name, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class Contract(TimestampMixin, db.Model):
    """One development contract per competition, with the winner of the final stage (R5).

    Drafted by an officer, then signed; milestones and outcome milestones are fixed at signing (R49).
    The contractor's name and registration and the IPR terms are copies, kept as signed (R40)."""

    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), nullable=False, unique=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), nullable=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    contractor_name: Mapped[str] = mapped_column(String(200), nullable=False)
    contractor_registration: Mapped[str] = mapped_column(String(40), nullable=False)  # orgnr or foreign number
    ceiling: Mapped[int] = mapped_column(Integer, nullable=False)
    ipr_terms: Mapped[str] = mapped_column(Text, nullable=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    signed_on: Mapped[date | None] = mapped_column(Date)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    results_summary: Mapped[str] = mapped_column(Text, default="", nullable=False)
    results_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    competition: Mapped[Competition] = relationship()
    stage: Mapped[Stage] = relationship()
    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    milestones: Mapped[list[Milestone]] = relationship(back_populates="contract", order_by="Milestone.position")
    outcomes: Mapped[list[OutcomeMilestone]] = relationship(
        back_populates="contract", order_by="OutcomeMilestone.position"
    )

    __table_args__ = (
        CheckConstraint("ceiling > 0", name="ceiling_positive"),
        CheckConstraint("(signed_on IS NULL) = (signed_at IS NULL)", name="signed_together"),
        CheckConstraint("results_published_at IS NULL OR signed_at IS NOT NULL", name="results_after_signing"),
    )

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class Milestone(TimestampMixin, db.Model):
    """A deliverable with a fixed amount: delivered → accepted → payment approved → paid."""

    __tablename__ = "contract_milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    amount: Mapped[int] = mapped_column(Integer, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)  # a Europe/Oslo calendar day
    state: Mapped[MilestoneState] = mapped_column(
        _enum(MilestoneState, "milestone_state"), default=MilestoneState.PLANNED, nullable=False
    )
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivery_note: Mapped[str] = mapped_column(Text, default="", nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    invoice_reference: Mapped[str | None] = mapped_column(String(100))
    recipient_orgnr: Mapped[str | None] = mapped_column(String(40))
    paid_on: Mapped[date | None] = mapped_column(Date)
    paid_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    contract: Mapped[Contract] = relationship(back_populates="milestones")
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    __table_args__ = (
        UniqueConstraint("contract_id", "position", name="uq_contract_milestones_position"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "state <> 'paid' OR (invoice_reference IS NOT NULL AND recipient_orgnr IS NOT NULL"
            " AND paid_on IS NOT NULL AND approved_by_id IS NOT NULL)",
            name="paid_is_complete",
        ),
    )


class OutcomeMilestone(TimestampMixin, db.Model):
    """An outcome paid per verified result (effektkontrakt, R49): definition, cohort, measure and
    threshold, data source, the named verifier, observation window, price per outcome and cap."""

    __tablename__ = "outcome_milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    definition: Mapped[str] = mapped_column(Text, nullable=False)
    target_cohort: Mapped[str] = mapped_column(Text, nullable=False)
    measure: Mapped[str] = mapped_column(Text, nullable=False)
    threshold: Mapped[str] = mapped_column(Text, nullable=False)
    data_source: Mapped[str] = mapped_column(Text, nullable=False)
    verifier_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    window_from: Mapped[date] = mapped_column(Date, nullable=False)
    window_to: Mapped[date] = mapped_column(Date, nullable=False)
    price_per_outcome: Mapped[int] = mapped_column(Integer, nullable=False)
    cap: Mapped[int] = mapped_column(Integer, nullable=False)

    contract: Mapped[Contract] = relationship(back_populates="outcomes")
    verifier: Mapped[User] = relationship()
    claims: Mapped[list[Claim]] = relationship(back_populates="outcome", order_by="Claim.number")

    __table_args__ = (
        UniqueConstraint("contract_id", "position", name="uq_outcome_milestones_position"),
        CheckConstraint("price_per_outcome > 0", name="price_positive"),
        CheckConstraint("cap > 0", name="cap_positive"),
        CheckConstraint("window_from <= window_to", name="window_order"),
    )


class Claim(TimestampMixin, db.Model):
    """The contractor's claim for an outcome milestone, with aggregated, pseudonymised evidence (R50):
    submitted → verified (or rejected) by the named verifier → approved → paid."""

    __tablename__ = "outcome_claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcome_milestones.id"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    state: Mapped[ClaimState] = mapped_column(
        _enum(ClaimState, "claim_state"), default=ClaimState.SUBMITTED, nullable=False
    )
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    claimed_count: Mapped[int] = mapped_column(Integer, nullable=False)
    statement: Mapped[str] = mapped_column(Text, nullable=False)
    evidence_filename: Mapped[str | None] = mapped_column(String(255))
    evidence_content_type: Mapped[str | None] = mapped_column(String(100))
    evidence_size: Mapped[int | None] = mapped_column(Integer)
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    evidence_storage_key: Mapped[str | None] = mapped_column(String(255), info={"storage_key": True})
    verified_count: Mapped[int | None] = mapped_column(Integer)
    verifier_note: Mapped[str | None] = mapped_column(Text)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    amount: Mapped[int | None] = mapped_column(Integer)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    invoice_reference: Mapped[str | None] = mapped_column(String(100))
    recipient_orgnr: Mapped[str | None] = mapped_column(String(40))
    paid_on: Mapped[date | None] = mapped_column(Date)
    paid_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    outcome: Mapped[OutcomeMilestone] = relationship(back_populates="claims")
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    __table_args__ = (
        UniqueConstraint("outcome_id", "number", name="uq_outcome_claims_number"),
        CheckConstraint("claimed_count >= 0", name="claimed_non_negative"),
        CheckConstraint(
            "verified_count IS NULL OR (verified_count >= 0 AND verified_count <= claimed_count)",
            name="verified_within_claimed",
        ),
        CheckConstraint("amount IS NULL OR amount > 0", name="amount_positive"),
        CheckConstraint(
            "state NOT IN ('verified', 'approved', 'paid')"
            " OR (verified_count IS NOT NULL AND verified_by_id IS NOT NULL)",
            name="verified_by_verifier",
        ),
        CheckConstraint("state NOT IN ('approved', 'paid') OR amount IS NOT NULL", name="approved_has_amount"),
        CheckConstraint(
            "state <> 'paid'"
            " OR (invoice_reference IS NOT NULL AND recipient_orgnr IS NOT NULL AND paid_on IS NOT NULL)",
            name="paid_is_complete",
        ),
    )

    @property
    def counts_as_committed(self) -> bool:
        return self.state in (ClaimState.APPROVED, ClaimState.PAID)
