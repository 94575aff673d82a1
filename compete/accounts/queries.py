"""Reads for accounts and organisations."""

from __future__ import annotations

from datetime import datetime

from flask import has_request_context, session
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload, selectinload

from compete.accounts.models import (
    AccountMailRequest,
    BuyerStatus,
    Invitation,
    LoginAttempt,
    MailRequestKind,
    Membership,
    Organisation,
    User,
)
from compete.accounts.permissions import can_act
from compete.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Sessions and remember cookies carry "<id>:<session token>" (User.get_id).

    The token is compared with the one in the database, so a session or remember cookie
    issued before the last logout, password change or reset is refused on every instance.

    The memberships and their organisations come in the same statement: every signed-in page reads
    them (the header's organisation switcher, permission checks), and on PostgreSQL each statement
    is a round trip.
    """
    raw_id, _, token = user_id.partition(":")
    if not raw_id.isdigit() or not token:
        return None
    user = (
        db.session.scalars(
            select(User)
            .where(User.id == int(raw_id))
            .options(joinedload(User.memberships).joinedload(Membership.organisation))
        )
        .unique()
        .one_or_none()
    )
    if user is None or not user.has_session_token(token):
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
    """The user's memberships with their organisations, ordered by organisation name.

    Read through `user.memberships` (with the organisations: two statements, once per request),
    which the header, the permission checks and the acting organisation all share."""
    return sorted(user.memberships, key=lambda m: (m.organisation.name, m.organisation.id))


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


def logged_in_from(email: str, ip: str, *, since: datetime) -> bool:
    """Whether the account logged in successfully from this IP address since `since`."""
    return (
        db.session.scalar(
            select(LoginAttempt.id)
            .where(
                LoginAttempt.email == email.strip().lower(),
                LoginAttempt.ip == ip,
                LoginAttempt.succeeded.is_(True),
                LoginAttempt.at > since,
            )
            .limit(1)
        )
        is not None
    )


def delete_login_attempts(*, before: datetime) -> int:
    """Delete login attempts older than `before`; how many."""
    return db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < before)).rowcount


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


def count_mail_requests(
    *, since: datetime, kind: MailRequestKind | None = None, email: str | None = None, ip: str | None = None
) -> int:
    """Registration/reset/verification requests stored since `since`, for an address (of one kind) or an IP."""
    query = select(func.count(AccountMailRequest.id)).where(AccountMailRequest.requested_at > since)
    if kind is not None:
        query = query.where(AccountMailRequest.kind == kind)
    if email is not None:
        query = query.where(func.lower(AccountMailRequest.email) == email.strip().lower())
    if ip is not None:
        query = query.where(AccountMailRequest.ip == ip)
    return db.session.scalar(query) or 0


def mail_requests_for(email: str) -> list[AccountMailRequest]:
    return list(
        db.session.scalars(
            select(AccountMailRequest)
            .where(func.lower(AccountMailRequest.email) == email.strip().lower())
            .order_by(AccountMailRequest.id)
        )
    )


def delete_handled_mail_requests(*, before: datetime) -> None:
    db.session.execute(
        delete(AccountMailRequest).where(
            AccountMailRequest.processed_at.is_not(None), AccountMailRequest.requested_at < before
        )
    )


def pending_mail_requests(limit: int) -> list[AccountMailRequest]:
    """Requests not yet answered, oldest first; locked (skipping rows another worker holds) on PostgreSQL."""
    return list(
        db.session.scalars(
            select(AccountMailRequest)
            .where(AccountMailRequest.processed_at.is_(None))
            .order_by(AccountMailRequest.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
