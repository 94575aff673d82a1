"""Personal API tokens and the rate-limit counters of the open API."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compete.accounts.models import User
from compete.core.models import TimestampMixin, UTCDateTime
from compete.core.time import now
from compete.extensions import db

SCOPES = ("read:public", "read:own", "read:officer")


class ApiToken(TimestampMixin, db.Model):
    """A personal API token. Only the SHA-256 of the secret is stored; the visible prefix lets the
    owner recognise it in the list (and lets a leaked token be found in logs)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    scopes: Mapped[str] = mapped_column(String(200), nullable=False)  # space-separated, from SCOPES
    prefix: Mapped[str] = mapped_column(String(20), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    @property
    def scope_list(self) -> list[str]:
        return [s for s in self.scopes.split() if s in SCOPES]

    def has_scope(self, scope: str) -> bool:
        return scope in self.scope_list

    def is_usable(self, at: datetime | None = None) -> bool:
        at = at or now()
        return self.revoked_at is None and (self.expires_at is None or at < self.expires_at)


class ApiRateCounter(db.Model):
    """Requests per bucket (a token or an IP address) in one fixed window; shared by every web
    process through the database."""

    __tablename__ = "api_rate_counters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[str] = mapped_column(String(100), nullable=False)
    period: Mapped[int] = mapped_column(Integer, nullable=False)  # epoch seconds // window length
    hits: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __table_args__ = (UniqueConstraint("bucket", "period", name="uq_api_rate_counters_bucket_period"),)
