"""Users, organisations, memberships, invitations and login attempts."""

from __future__ import annotations

import enum
import hmac
import secrets
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compete.core.models import TimestampMixin, UTCDateTime
from compete.extensions import db


class OrgCategory(enum.StrEnum):
    SOCIAL_ENTREPRENEUR = "social_entrepreneur"
    START_UP = "start_up"
    NON_PROFIT = "non_profit"
    COMPANY = "company"
    PUBLIC_BODY = "public_body"


class BuyerStatus(enum.StrEnum):
    NONE = "none"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class RegisterStatus(enum.StrEnum):
    """What Enhetsregisteret said about a Norwegian organisation (NULL: never looked up)."""

    VERIFIED = "verified"
    UNVERIFIED = "unverified"  # the register did not answer; the worker asks again
    DELETED = "deleted"
    UNKNOWN = "unknown"


class MemberRole(enum.StrEnum):
    OWNER = "owner"
    MEMBER = "member"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def _enum(cls, name):
    return Enum(cls, name=name, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    language: Mapped[str] = mapped_column(String(5), default="nb", nullable=False)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    privacy_accepted_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # Every session and remember cookie carries this; a new value (logout, password change or
    # reset, "log out everywhere") makes all earlier ones worthless on every web instance.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token, nullable=False)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    __table_args__ = (CheckConstraint("language IN ('nb', 'nn', 'en')", name="language"),)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_active_account

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_id(self) -> str:  # Flask-Login: "<id>:<session token>", also inside the remember cookie
        return f"{self.id}:{self.session_token}"

    def has_session_token(self, token: str) -> bool:
        return hmac.compare_digest(self.session_token.encode(), token.encode())

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Organisation(TimestampMixin, db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    orgnr: Mapped[str | None] = mapped_column(String(9), unique=True)
    foreign_registration: Mapped[str | None] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(2), default="NO", nullable=False)
    category: Mapped[OrgCategory] = mapped_column(_enum(OrgCategory, "org_category"), nullable=False)
    buyer_status: Mapped[BuyerStatus] = mapped_column(
        _enum(BuyerStatus, "buyer_status"), default=BuyerStatus.NONE, nullable=False
    )
    default_language: Mapped[str] = mapped_column(String(5), default="nb", nullable=False)
    # Four eyes on money (R37, R49): who approves a payment may not also register it as paid.
    payments_four_eyes: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true(), nullable=False)
    # Enhetsregisteret (Brønnøysund): the register's data at the last successful lookup.
    register_status: Mapped[RegisterStatus | None] = mapped_column(_enum(RegisterStatus, "register_status"))
    register_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    org_form_code: Mapped[str | None] = mapped_column(String(10))
    org_form: Mapped[str | None] = mapped_column(String(150))
    registered_on: Mapped[date | None] = mapped_column(Date)
    founded_on: Mapped[date | None] = mapped_column(Date)
    business_address: Mapped[str | None] = mapped_column(String(300))
    bankrupt: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), nullable=False)
    under_liquidation: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), nullable=False)
    under_forced_liquidation: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), nullable=False
    )
    deleted_on: Mapped[date | None] = mapped_column(Date)

    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation", cascade="all, delete-orphan")

    __table_args__ = (
        # Norwegian organisations carry an orgnr; foreign ones a registration number and country (R8, R11).
        CheckConstraint(
            "(country = 'NO' AND orgnr IS NOT NULL AND foreign_registration IS NULL)"
            " OR (country <> 'NO' AND orgnr IS NULL AND foreign_registration IS NOT NULL)",
            name="registration",
        ),
        UniqueConstraint("country", "foreign_registration", name="uq_organisations_foreign_registration"),
    )

    @property
    def is_approved_buyer(self) -> bool:
        return self.buyer_status == BuyerStatus.APPROVED

    @property
    def register_warnings(self) -> list[str]:
        """ "bankrupt", "under_liquidation", "under_forced_liquidation", "deleted": as the register says."""
        flags = [name for name in ("bankrupt", "under_liquidation", "under_forced_liquidation") if getattr(self, name)]
        return [*flags, "deleted"] if self.register_status == RegisterStatus.DELETED else flags

    def registered_less_than(self, years: int, today: date) -> bool | None:
        """True if Enhetsregisteret registered the unit less than `years` years before `today`; None if unknown."""
        if self.registered_on is None:
            return None
        try:
            anniversary = self.registered_on.replace(year=self.registered_on.year + years)
        except ValueError:  # 29 February
            anniversary = date(self.registered_on.year + years, 3, 1)
        return today < anniversary

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"


class Membership(TimestampMixin, db.Model):
    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    role: Mapped[MemberRole] = mapped_column(
        _enum(MemberRole, "member_role"), default=MemberRole.MEMBER, nullable=False
    )
    # Procurement-officer role: only for members of an approved buyer organisation.
    is_officer: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    user: Mapped[User] = relationship(back_populates="memberships")
    # selectin: a user's memberships bring their organisations in one more statement, not one each
    # (the header and the permission checks read both on every page).
    organisation: Mapped[Organisation] = relationship(back_populates="memberships", lazy="selectin")

    __table_args__ = (UniqueConstraint("user_id", "organisation_id", name="uq_memberships_user_org"),)


class Invitation(TimestampMixin, db.Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    role: Mapped[MemberRole] = mapped_column(
        _enum(MemberRole, "member_role"), default=MemberRole.MEMBER, nullable=False
    )
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()


class LoginAttempt(db.Model):
    """Failed and successful logins, for throttling per account and per IP."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False, index=True)
    ip: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)


class MailRequestKind(enum.StrEnum):
    REGISTER = "register"
    RESET = "reset"
    VERIFY = "verify"


class AccountMailRequest(db.Model):
    """A registration, reset or verification request, answered later by the worker.

    The request only stores this row, so the answer is the same, and as fast, whether or
    not the address has an account; counting these rows limits mails per address and per IP.
    """

    __tablename__ = "account_mail_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[MailRequestKind] = mapped_column(_enum(MailRequestKind, "mail_request_kind"), nullable=False)
    email: Mapped[str] = mapped_column(String(254), nullable=False, index=True)
    ip: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    language: Mapped[str] = mapped_column(String(5), default="nb", nullable=False)
    # Registration only; the hash is removed once the request is handled.
    name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
