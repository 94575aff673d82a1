"""One minimisation run per decided stage (R45): when, and what was minimised."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compete.competitions.models import Competition, Stage
from compete.core.models import TimestampMixin, UTCDateTime
from compete.extensions import db


class MinimisationRun(TimestampMixin, db.Model):
    """The personal data of a stage's unsuccessful participants was minimised at `run_at`; `summary`
    lists per entry (by code and organisation) which fields were emptied. Unique per stage, so a
    second run of the job changes nothing."""

    __tablename__ = "minimisation_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), nullable=False, index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), nullable=False, unique=True)
    run_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    summary: Mapped[list] = mapped_column(JSON, default=list, nullable=False)

    competition: Mapped[Competition] = relationship()
    stage: Mapped[Stage] = relationship()


import compete.records.retention  # noqa: E402, F401 - registers the deletion guard (R43)
