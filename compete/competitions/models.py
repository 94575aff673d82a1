"""Competitions, their owners, stages, criteria and submission templates."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compete.accounts.models import Organisation, User
from compete.competitions.states import CompetitionState, StageKind, StagePhase, StageState
from compete.core.models import TimestampMixin, UTCDateTime
from compete.core.time import now
from compete.extensions import db


def _enum(cls, name):
    return Enum(cls, name=name, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


def _default_retention_years() -> int:
    return int(current_app.config.get("RETENTION_YEARS_DEFAULT", 10))


class Competition(TimestampMixin, db.Model):
    __tablename__ = "competitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    summary: Mapped[str] = mapped_column(Text, default="", nullable=False)
    background: Mapped[str] = mapped_column(Text, default="", nullable=False)  # Markdown, sanitised on render
    budget: Mapped[int] = mapped_column(Integer, default=0, nullable=False)  # whole kroner
    state: Mapped[CompetitionState] = mapped_column(
        _enum(CompetitionState, "competition_state"), default=CompetitionState.DRAFT, nullable=False
    )
    # None = not yet stated (R1 names it as missing).
    jury_binding: Mapped[bool | None] = mapped_column(Boolean)
    follow_on_contract: Mapped[bool | None] = mapped_column(Boolean)
    ipr_terms: Mapped[str] = mapped_column(Text, default="", nullable=False)
    standstill_days: Mapped[int] = mapped_column(Integer, default=10, nullable=False)
    default_language: Mapped[str] = mapped_column(String(5), default="nb", nullable=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # R43: nothing of the competition is deleted until this many years after it ended.
    retention_years: Mapped[int] = mapped_column(
        Integer, default=_default_retention_years, server_default="10", nullable=False
    )

    owners: Mapped[list[CompetitionOwner]] = relationship(
        back_populates="competition", cascade="all, delete-orphan", order_by="CompetitionOwner.id"
    )
    stages: Mapped[list[Stage]] = relationship(
        back_populates="competition", cascade="all, delete-orphan", order_by="Stage.position"
    )
    eligibility_categories: Mapped[list[EligibilityCategory]] = relationship(
        back_populates="competition", cascade="all, delete-orphan", order_by="EligibilityCategory.position"
    )

    __table_args__ = (
        CheckConstraint("budget >= 0", name="budget_non_negative"),
        CheckConstraint("standstill_days >= 0", name="standstill_non_negative"),
        CheckConstraint("retention_years >= 1", name="retention_positive"),
        CheckConstraint("state <> 'cancelled' OR cancel_reason IS NOT NULL", name="cancel_has_reason"),
    )

    @property
    def lead_buyer(self) -> Organisation | None:
        return self.owners[0].organisation if self.owners else None

    @property
    def total_stage_payments(self) -> int:
        return sum(stage.total_payment for stage in self.stages)

    def current_stage(self, at: datetime | None = None) -> Stage | None:
        """The first stage that has not been decided yet."""
        for stage in self.stages:
            if stage.state != StageState.DECIDED:
                return stage
        return None

    def __repr__(self) -> str:
        return f"<Competition {self.slug}>"


class CompetitionOwner(TimestampMixin, db.Model):
    """A buyer organisation behind a competition; the first is the lead buyer."""

    __tablename__ = "competition_owners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), nullable=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    competition: Mapped[Competition] = relationship(back_populates="owners")
    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (UniqueConstraint("competition_id", "organisation_id", name="uq_competition_owners_pair"),)


class EligibilityCategory(db.Model):
    """Who may take part (R10): a published definition and a self-check question."""

    __tablename__ = "eligibility_categories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    definition: Mapped[str] = mapped_column(Text, nullable=False)
    self_check_question: Mapped[str] = mapped_column(Text, nullable=False)
    # "Registered for less than N years" (e.g. a start-up category): the self-check shows what
    # Enhetsregisteret says about the participant's registration date.
    max_registration_years: Mapped[int | None] = mapped_column(Integer)

    competition: Mapped[Competition] = relationship(back_populates="eligibility_categories")


class Stage(TimestampMixin, db.Model):
    __tablename__ = "stages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[StageKind] = mapped_column(_enum(StageKind, "stage_kind"), nullable=False)
    description: Mapped[str] = mapped_column(Text, default="", nullable=False)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    question_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    advancing_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    award_amount: Mapped[int] = mapped_column(Integer, default=0, nullable=False)  # per advancing participant
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    state: Mapped[StageState] = mapped_column(
        _enum(StageState, "stage_state"), default=StageState.PLANNED, nullable=False
    )
    aggregation_method: Mapped[str] = mapped_column(String(20), default="mean", nullable=False)
    tie_break_rule: Mapped[str | None] = mapped_column(String(40))

    competition: Mapped[Competition] = relationship(back_populates="stages")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="stage", cascade="all, delete-orphan", order_by="Criterion.position"
    )
    fields: Mapped[list[TemplateField]] = relationship(
        back_populates="stage", cascade="all, delete-orphan", order_by="TemplateField.position"
    )
    file_slots: Mapped[list[FileSlot]] = relationship(
        back_populates="stage", cascade="all, delete-orphan", order_by="FileSlot.position"
    )

    __table_args__ = (
        UniqueConstraint("competition_id", "position", name="uq_stages_position"),
        CheckConstraint("advancing_count >= 0", name="advancing_non_negative"),
        CheckConstraint("award_amount >= 0", name="award_non_negative"),
        CheckConstraint(
            "opens_at IS NULL OR deadline_at IS NULL OR opens_at < deadline_at", name="opens_before_deadline"
        ),
    )

    @property
    def total_payment(self) -> int:
        return self.advancing_count * self.award_amount

    def phase(self, at: datetime | None = None) -> StagePhase:
        """The stage's phase, derived from the stored state and the server clock."""
        at = at or now()
        if self.state != StageState.PLANNED:
            return StagePhase(self.state.value)
        if self.competition.state != CompetitionState.PUBLISHED or self.opens_at is None or at < self.opens_at:
            return StagePhase.UPCOMING
        if self.deadline_at is not None and at >= self.deadline_at:
            return StagePhase.CLOSED
        return StagePhase.OPEN

    def is_open(self, at: datetime | None = None) -> bool:
        return self.phase(at) == StagePhase.OPEN


class Criterion(db.Model):
    __tablename__ = "criteria"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, default="", nullable=False)
    weight: Mapped[int] = mapped_column(Integer, nullable=False)  # whole percent
    scale_min: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    scale_max: Mapped[int] = mapped_column(Integer, default=10, nullable=False)
    # {"0": "No answer to the need", "5": "...", "10": "..."}
    descriptors: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)

    stage: Mapped[Stage] = relationship(back_populates="criteria")

    __table_args__ = (
        CheckConstraint("weight > 0 AND weight <= 100", name="weight_range"),
        CheckConstraint("scale_min < scale_max", name="scale_order"),
    )


class TemplateField(db.Model):
    """One field of a stage's submission template (R18)."""

    __tablename__ = "template_fields"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    key: Mapped[str] = mapped_column(String(60), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # short_text, long_text, checklist
    label: Mapped[str] = mapped_column(String(200), nullable=False)
    help_text: Mapped[str] = mapped_column(Text, default="", nullable=False)
    word_limit: Mapped[int | None] = mapped_column(Integer)
    required: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    # R45: personal details (a contact person, a phone number, the team's names) minimised after the
    # complaint period for participants who were not selected.
    personal_data: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), nullable=False)

    stage: Mapped[Stage] = relationship(back_populates="fields")

    __table_args__ = (
        UniqueConstraint("stage_id", "key", name="uq_template_fields_key"),
        CheckConstraint("kind IN ('short_text', 'long_text', 'checklist')", name="kind"),
    )


class FileSlot(db.Model):
    """An attachment the stage's template asks for (R18)."""

    __tablename__ = "file_slots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    key: Mapped[str] = mapped_column(String(60), nullable=False)
    label: Mapped[str] = mapped_column(String(200), nullable=False)
    allowed_types: Mapped[str] = mapped_column(String(200), default="pdf", nullable=False)  # "pdf,docx"
    max_mb: Mapped[int] = mapped_column(Integer, default=10, nullable=False)
    required: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    stage: Mapped[Stage] = relationship(back_populates="file_slots")

    __table_args__ = (UniqueConstraint("stage_id", "key", name="uq_file_slots_key"),)


class CompetitionStaff(TimestampMixin, db.Model):
    """Named people with a role in one competition besides its officers.

    role: "functionary" (anonymises entries, formal check; never a juror here, R23)
    or "verifier" (confirms outcome milestones). Jurors have jury seats (jury domain).
    """

    __tablename__ = "competition_staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)

    competition: Mapped[Competition] = relationship()
    user: Mapped[User] = relationship()

    __table_args__ = (
        UniqueConstraint("competition_id", "user_id", "role", name="uq_competition_staff_role"),
        CheckConstraint("role IN ('functionary', 'verifier')", name="role"),
    )


class CallVersion(db.Model):
    """One published version of the call (R4): an immutable snapshot of everything public.

    Version 1 is the publication; every later version is an amendment with a change note.
    """

    __tablename__ = "call_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    snapshot: Mapped[dict] = mapped_column(JSON, nullable=False)
    change_note: Mapped[str] = mapped_column(Text, default="", nullable=False)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))

    competition: Mapped[Competition] = relationship()
    published_by: Mapped[User | None] = relationship()

    __table_args__ = (
        UniqueConstraint("competition_id", "number", name="uq_call_versions_number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("number = 1 OR change_note <> ''", name="amendment_has_note"),
    )


class Follower(TimestampMixin, db.Model):
    """A registered participant following a competition: receives amendments and answers."""

    __tablename__ = "competition_followers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))

    competition: Mapped[Competition] = relationship()
    user: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("competition_id", "user_id", name="uq_competition_followers_pair"),)


class Question(TimestampMixin, db.Model):
    """A written question (R12). Published with its answer to everyone; the asker stays hidden."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), nullable=False)
    asker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    body: Mapped[str] = mapped_column(Text, nullable=False)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    public_body: Mapped[str | None] = mapped_column(Text)  # the question as published (anonymised)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    competition: Mapped[Competition] = relationship()
    asker: Mapped[User] = relationship(foreign_keys=[asker_id])
    organisation: Mapped[Organisation | None] = relationship()

    __table_args__ = (
        CheckConstraint(
            "published_at IS NULL OR (answer IS NOT NULL AND public_body IS NOT NULL)", name="published_has_answer"
        ),
    )


class CompetitionTemplate(TimestampMixin, db.Model):
    """A saved call structure (stages, criteria, forms, texts) that new competitions start from."""

    __tablename__ = "competition_templates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    snapshot: Mapped[dict] = mapped_column(JSON, nullable=False)

    organisation: Mapped[Organisation] = relationship()
