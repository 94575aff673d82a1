"""Innsyn requests (R44): who asked, when, for what, the deadline, the package and its redactions.

Redaction happens in the generated package only; the submissions and their files are never changed.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compete.accounts.models import User
from compete.competitions.models import Competition
from compete.core.models import TimestampMixin, UTCDateTime
from compete.extensions import db


class InnsynStatus(enum.StrEnum):
    RECEIVED = "received"  # registered, nothing prepared yet
    PREPARED = "prepared"  # contents chosen and redactions decided; can be previewed
    RELEASED = "released"  # the package was sent to the requester


class InnsynSource(enum.StrEnum):
    PUBLIC = "public"  # the form on the call page
    OFFICER = "officer"  # registered by an officer (letter, e-mail, phone)


def _enum(cls, name):
    return Enum(cls, name=name, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class InnsynRequest(TimestampMixin, db.Model):
    __tablename__ = "innsyn_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), nullable=False, index=True)
    requester_name: Mapped[str] = mapped_column(String(200), nullable=False)
    requester_email: Mapped[str] = mapped_column(String(254), nullable=False)
    subject: Mapped[str] = mapped_column(Text, nullable=False)  # what is requested
    language: Mapped[str] = mapped_column(String(5), default="nb", nullable=False)
    source: Mapped[InnsynSource] = mapped_column(_enum(InnsynSource, "innsyn_source"), nullable=False)
    status: Mapped[InnsynStatus] = mapped_column(
        _enum(InnsynStatus, "innsyn_status"), default=InnsynStatus.RECEIVED, nullable=False
    )
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A keyed hash of the sender's address, for the public form's rate limit; never the address itself.
    client_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # What the package holds: {"call": bool, "qa": bool, "protocol": bool, "submissions": [ids]}.
    scope: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    prepared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    prepared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    package_key: Mapped[str | None] = mapped_column(String(255))
    package_sha256: Mapped[str | None] = mapped_column(String(64))
    package_size: Mapped[int | None] = mapped_column(Integer)

    competition: Mapped[Competition] = relationship()
    registered_by: Mapped[User | None] = relationship(foreign_keys=[registered_by_id])
    released_by: Mapped[User | None] = relationship(foreign_keys=[released_by_id])
    redactions: Mapped[list[InnsynRedaction]] = relationship(
        back_populates="request", order_by="InnsynRedaction.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint(
            "status <> 'released' OR (released_at IS NOT NULL AND package_key IS NOT NULL "
            "AND package_sha256 IS NOT NULL)",
            name="released_has_package",
        ),
        CheckConstraint("status = 'received' OR prepared_at IS NOT NULL", name="prepared_has_time"),
    )


class InnsynRedaction(db.Model):
    """One officer decision to withhold a field or a file of one submitted version, with the reason."""

    __tablename__ = "innsyn_redactions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("innsyn_requests.id"), nullable=False, index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("submission_versions.id"), nullable=False)
    # "field:<key>" or "file:<attachment id>"
    target: Mapped[str] = mapped_column(String(80), nullable=False)
    marked_by_participant: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)  # R20
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    request: Mapped[InnsynRequest] = relationship(back_populates="redactions")

    __table_args__ = (
        UniqueConstraint("request_id", "version_id", "target", name="uq_innsyn_redactions_target"),
        CheckConstraint("reason <> ''", name="redaction_has_reason"),
    )
