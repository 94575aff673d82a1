"""The append-only, keyed hash chains of the audit trail (R41).

One chain per competition (its entries carry `chain = competition id`) and one platform chain
(`chain = 0`) for actions outside any competition, so that audited actions in different
competitions never wait for each other. Database triggers refuse UPDATE and DELETE on the entries
and let a head only move forward to an entry of its own chain (migration 5a1e0c7d9b21).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from compete.core.models import UTCDateTime
from compete.extensions import db

PLATFORM_CHAIN = 0


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    # Position in its chain; unique so that two writers cannot both extend the same tail.
    __table_args__ = (UniqueConstraint("chain", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain: Mapped[int] = mapped_column(Integer, nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_email: Mapped[str | None] = mapped_column(String(254))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    role: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(80), nullable=False, index=True)
    target_type: Mapped[str] = mapped_column(String(60), nullable=False)
    target_id: Mapped[str | None] = mapped_column(String(60))
    competition_id: Mapped[int | None] = mapped_column(ForeignKey("competitions.id"), index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)


class AuditHead(db.Model):
    """One row per chain (`id` = the chain: 0 platform, else the competition id): its tail.

    Appends lock this row (SELECT … FOR UPDATE), so writers of one chain serialise; `verify`
    uses it to notice removed entries at the end."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)


class DailySeal(db.Model):
    """The worker's daily seal (R41): one a day in Europe/Oslo, however many workers run the job and
    however often they restart (the unique day is the claim). `storage_key` is the seal document."""

    __tablename__ = "audit_daily_seals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, nullable=False, unique=True)
    sealed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # Known to the storage check: a seal row whose document is gone is reported.
    storage_key: Mapped[str | None] = mapped_column(String(255), info={"storage_key": True})
