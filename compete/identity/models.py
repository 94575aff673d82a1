"""Linked identities at outside OpenID Connect providers, and each buyer's own provider.

The national identity number (`pid`) from ID-porten is never stored in clear: an identity is
the provider's key and its `sub`, with at most a keyed hash (HMAC) of the `pid`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compete.accounts.models import Organisation, User
from compete.core.models import TimestampMixin, UTCDateTime
from compete.extensions import db

IDPORTEN = "idporten"


def org_provider_key(provider_id: int) -> str:
    return f"org:{provider_id}"


class OrgIdentityProvider(TimestampMixin, db.Model):
    """A buyer organisation's OpenID Connect provider (e.g. Entra ID), for its staff.

    The client secret is stored encrypted (Fernet, key OIDC_SECRET_KEY), never in clear.
    """

    __tablename__ = "org_identity_providers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False, unique=True)
    issuer: Mapped[str] = mapped_column(String(500), nullable=False)
    client_id: Mapped[str] = mapped_column(String(255), nullable=False)
    client_secret_encrypted: Mapped[str] = mapped_column(Text, nullable=False)
    scopes: Mapped[str] = mapped_column(String(255), default="openid email profile", nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    organisation: Mapped[Organisation] = relationship()

    @property
    def key(self) -> str:
        return org_provider_key(self.id)


class LinkedIdentity(TimestampMixin, db.Model):
    """One account's identity at one provider: `provider` is "idporten" or "org:<provider id>"."""

    __tablename__ = "linked_identities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    provider: Mapped[str] = mapped_column(String(40), nullable=False)
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    # HMAC-SHA256 of ID-porten's pid under IDPORTEN_PID_HASH_KEY; NULL without a key or a pid.
    pid_hash: Mapped[str | None] = mapped_column(String(64))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    __table_args__ = (
        UniqueConstraint("provider", "subject", name="uq_linked_identities_provider_subject"),
        UniqueConstraint("user_id", "provider", name="uq_linked_identities_user_provider"),
    )
