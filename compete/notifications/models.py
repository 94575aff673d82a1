"""The e-mail outbox: written in the same transaction as the change that caused it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from compete.core.models import TimestampMixin, UTCDateTime
from compete.extensions import db


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after OUTBOX_MAX_ATTEMPTS; can be retried by hand


class OutboxMessage(TimestampMixin, db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), nullable=False)
    recipient_email: Mapped[str] = mapped_column(String(254), nullable=False)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    competition_id: Mapped[int | None] = mapped_column(ForeignKey("competitions.id"))
    language: Mapped[str] = mapped_column(String(5), nullable=False)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body_text: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[OutboxStatus] = mapped_column(
        Enum(
            OutboxStatus,
            name="outbox_status",
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=OutboxStatus.PENDING,
        nullable=False,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The request (or worker job) that queued the message, sent as X-Request-ID to trace it.
    request_id: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)


class DeadlineReminder(db.Model):
    """A reminder went to the organisation of an unsubmitted draft before this deadline: once per
    draft per deadline (a moved deadline gets its own reminder). The unique key makes two workers
    that race for the same reminder send it once."""

    __tablename__ = "deadline_reminders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), nullable=False)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    __table_args__ = (
        UniqueConstraint("submission_id", "deadline_at", name="uq_deadline_reminders_submission_deadline"),
    )
