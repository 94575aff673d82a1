"""Submissions: one per organisation and stage, with immutable versions (R16).

The identity part (which organisation, who) lives on Submission; what jurors see
is the version content, its scrubbed attachments and the random `code` (R19, R24).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compete.accounts.models import Organisation, User
from compete.competitions.models import Stage
from compete.core.models import TimestampMixin, UTCDateTime
from compete.extensions import db


def _enum(cls, name):
    return Enum(cls, name=name, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class SubmissionStatus(enum.StrEnum):
    DRAFT = "draft"  # never submitted
    SUBMITTED = "submitted"  # the latest submitted version is the one evaluated
    WITHDRAWN = "withdrawn"


class Eligibility(enum.StrEnum):
    PENDING = "pending"
    ELIGIBLE = "eligible"
    REJECTED = "rejected"


class Submission(TimestampMixin, db.Model):
    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), nullable=False, index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    # Random, non-sequential code shown to jurors instead of the participant's identity.
    code: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[SubmissionStatus] = mapped_column(
        _enum(SubmissionStatus, "submission_status"), default=SubmissionStatus.DRAFT, nullable=False
    )
    eligibility: Mapped[Eligibility] = mapped_column(
        _enum(Eligibility, "eligibility"), default=Eligibility.PENDING, nullable=False
    )
    rejection_ground: Mapped[str | None] = mapped_column(Text)
    # The version that is evaluated: the last one submitted (R16).
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("submission_versions.id", use_alter=True, name="fk_submissions_current_version")
    )
    # Draft being edited (form content, autosaved); not evaluated.
    draft_content: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    draft_secret_fields: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    draft_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The eligibility self-check (R10): which published category the participant says applies.
    eligibility_category: Mapped[str] = mapped_column(String(120), nullable=False)
    self_check_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    stage: Mapped[Stage] = relationship()
    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    versions: Mapped[list[SubmissionVersion]] = relationship(
        back_populates="submission", foreign_keys="SubmissionVersion.submission_id", order_by="SubmissionVersion.number"
    )
    current_version: Mapped[SubmissionVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )

    __table_args__ = (
        UniqueConstraint("stage_id", "organisation_id", name="uq_submissions_stage_org"),
        UniqueConstraint("stage_id", "code", name="uq_submissions_stage_code"),
        CheckConstraint("eligibility <> 'rejected' OR rejection_ground IS NOT NULL", name="rejection_has_ground"),
        CheckConstraint("status <> 'submitted' OR current_version_id IS NOT NULL", name="submitted_has_version"),
    )


class SubmissionVersion(db.Model):
    """An immutable submitted version with its receipt (R16, R17)."""

    __tablename__ = "submission_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    content: Mapped[dict] = mapped_column(JSON, nullable=False)  # {field_key: text or checklist answers}
    secret_fields: Mapped[list] = mapped_column(JSON, default=list, nullable=False)  # R20
    content_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    receipt_sha256: Mapped[str] = mapped_column(String(64), nullable=False)  # over the whole receipt
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    submission: Mapped[Submission] = relationship(back_populates="versions", foreign_keys=[submission_id])
    submitted_by: Mapped[User] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(back_populates="version", order_by="Attachment.id")

    __table_args__ = (UniqueConstraint("submission_id", "number", name="uq_submission_versions_number"),)


class Attachment(TimestampMixin, db.Model):
    """A stored file. Draft attachments have no version yet; submitting freezes them into one."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), nullable=False, index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("submission_versions.id"), index=True)
    slot_key: Mapped[str] = mapped_column(String(60), nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)  # sanitised original name
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(String(255), nullable=False, info={"storage_key": True})
    # The copy jurors get in an anonymous stage: metadata stripped (R19).
    scrubbed_storage_key: Mapped[str | None] = mapped_column(String(255), info={"storage_key": True})
    scrubbed_sha256: Mapped[str | None] = mapped_column(String(64))
    is_secret: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)  # R20

    submission: Mapped[Submission] = relationship()
    version: Mapped[SubmissionVersion | None] = relationship(back_populates="attachments")


class LateAttempt(db.Model):
    """A write refused because the deadline had passed (R15): who, when, what was sent."""

    __tablename__ = "late_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), nullable=False, index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    action: Mapped[str] = mapped_column(String(30), nullable=False)  # submit, save, upload, withdraw, start
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # [{"name": ..., "size": ..., "sha256": ...}] of files in the refused request, and the form content hash.
    file_hashes: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    content_sha256: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
