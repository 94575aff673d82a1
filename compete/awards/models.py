"""Decisions and their consequences. For now: who was selected in a stage (R36)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compete.accounts.models import Organisation
from compete.competitions.models import Stage
from compete.core.models import TimestampMixin, UTCDateTime
from compete.extensions import db


class Selection(TimestampMixin, db.Model):
    """An organisation selected in a stage; only they may submit in the next stage (R36)."""

    __tablename__ = "selections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), nullable=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    stage: Mapped[Stage] = relationship()
    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (UniqueConstraint("stage_id", "organisation_id", name="uq_selections_stage_org"),)
