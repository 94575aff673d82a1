"""Reads for accounts and organisations."""

from __future__ import annotations

from datetime import datetime

from flask import has_request_context, session
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from compete.accounts.models import BuyerStatus, Invitation, LoginAttempt, Membership, Organisation, User
from compete.accounts.permissions import can_act
from compete.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Sessions carry "<id>:<stamp>"; a stamp from before the last password change is refused.

    A bare id (tests/factories.login writes one into the signed session) is accepted.
    """
    raw_id, _, stamp = user_id.partition(":")
    if not raw_id.isdigit():
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or (stamp and stamp != user.session_stamp):
        return None
    return user


def user_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(func.lower(User.email) == email.strip().lower())).first()


def organisation_by_orgnr(orgnr: str) -> Organisation | None:
    return db.session.scalars(select(Organisation).where(Organisation.orgnr == orgnr)).first()


def organisation_by_foreign_registration(country: str, registration: str) -> Organisation | None:
    return db.session.scalars(
        select(Organisation).where(Organisation.country == country, Organisation.foreign_registration == registration)
    ).first()


def memberships_of(user: User) -> list[Membership]:
    """The user's memberships with their organisations, ordered by organisation name (one query)."""
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.user_id == user.id)
            .join(Membership.organisation)
            .options(selectinload(Membership.organisation))
            .order_by(Organisation.name, Organisation.id)
        )
    )


def membership(user: User, organisation: Organisation | int) -> Membership | None:
    org_id = organisation if isinstance(organisation, int) else organisation.id
    return db.session.scalars(
        select(Membership).where(Membership.user_id == user.id, Membership.organisation_id == org_id)
    ).first()


def members_of(organisation: Organisation) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.organisation_id == organisation.id)
            .join(Membership.user)
            .options(selectinload(Membership.user))
            .order_by(User.name, User.id)
        )
    )


def pending_invitations(organisation: Organisation) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.organisation_id == organisation.id, Invitation.accepted_at.is_(None))
            .order_by(Invitation.created_at, Invitation.id)
        )
    )


def organisations_for_admin() -> tuple[list[Organisation], list[Organisation]]:
    """(pending buyer requests, decided buyer requests), each ordered by name."""
    rows = db.session.scalars(
        select(Organisation)
        .where(Organisation.buyer_status != BuyerStatus.NONE)
        .order_by(Organisation.name, Organisation.id)
    ).all()
    pending = [o for o in rows if o.buyer_status == BuyerStatus.PENDING]
    decided = [o for o in rows if o.buyer_status != BuyerStatus.PENDING]
    return pending, decided


def recent_failures(*, email: str | None = None, ip: str | None = None, since: datetime) -> list[datetime]:
    """Times of failed logins since `since` for an e-mail (after its last success) or an IP, oldest first."""
    query = select(LoginAttempt.at).where(LoginAttempt.succeeded.is_(False), LoginAttempt.at > since)
    if email is not None:
        key = email.strip().lower()
        last_success = db.session.scalar(
            select(func.max(LoginAttempt.at)).where(LoginAttempt.email == key, LoginAttempt.succeeded.is_(True))
        )
        query = query.where(LoginAttempt.email == key)
        if last_success is not None:
            query = query.where(LoginAttempt.at > last_success)
    if ip is not None:
        query = query.where(LoginAttempt.ip == ip)
    return list(db.session.scalars(query.order_by(LoginAttempt.at)))


def login_attempts_for(email: str) -> list[LoginAttempt]:
    return list(
        db.session.scalars(
            select(LoginAttempt).where(LoginAttempt.email == email.strip().lower()).order_by(LoginAttempt.at)
        )
    )


def acting_organisation(user) -> Organisation | None:
    """The organisation the user acts for now.

    session["org_id"] when the user is a member of it, else the first membership
    (by organisation name), else None. Users who may not act (anonymous,
    unverified, deactivated) act for nobody.
    """
    if not can_act(user):
        return None
    memberships = memberships_of(user)
    if not memberships:
        return None
    chosen = session.get("org_id") if has_request_context() else None
    for m in memberships:
        if m.organisation_id == chosen:
            return m.organisation
    return memberships[0].organisation
