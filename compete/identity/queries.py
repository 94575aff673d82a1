"""Reads for identities and buyers' providers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from compete.accounts.models import Membership, Organisation, User
from compete.core.formatting import format_iso
from compete.extensions import db
from compete.identity.models import LinkedIdentity, OrgIdentityProvider
from compete.notifications.models import OutboxMessage

LINK_MAIL_KINDS = ("identity/link", "identity/new_account")


def identity_for(provider: str, subject: str) -> LinkedIdentity | None:
    return db.session.scalars(
        select(LinkedIdentity).where(LinkedIdentity.provider == provider, LinkedIdentity.subject == subject)
    ).first()


def identities_of(user: User) -> list[LinkedIdentity]:
    return list(
        db.session.scalars(select(LinkedIdentity).where(LinkedIdentity.user_id == user.id).order_by(LinkedIdentity.id))
    )


def provider_of(organisation: Organisation | int) -> OrgIdentityProvider | None:
    org_id = organisation if isinstance(organisation, int) else organisation.id
    return db.session.scalars(select(OrgIdentityProvider).where(OrgIdentityProvider.organisation_id == org_id)).first()


def enabled_provider(provider_id: int) -> OrgIdentityProvider | None:
    provider = db.session.get(OrgIdentityProvider, provider_id)
    return provider if provider is not None and provider.enabled else None


def enabled_providers() -> list[OrgIdentityProvider]:
    """Every buyer's provider that is switched on, with its organisation, by organisation name."""
    return list(
        db.session.scalars(
            select(OrgIdentityProvider)
            .join(Organisation, Organisation.id == OrgIdentityProvider.organisation_id)
            .where(OrgIdentityProvider.enabled.is_(True))
            .order_by(Organisation.name)
        )
    )


def staff_member(organisation_id: int, email: str) -> User | None:
    """The member of the organisation with this e-mail address (case-insensitive), if any."""
    return db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, db.func.lower(User.email) == email.strip().lower())
    ).first()


def is_member(user: User, organisation_id: int) -> bool:
    return (
        db.session.scalars(
            select(Membership.id).where(Membership.user_id == user.id, Membership.organisation_id == organisation_id)
        ).first()
        is not None
    )


def count_link_mails(email: str, since: datetime) -> int:
    """Confirmation links queued to this address (case-insensitive) since `since`."""
    return db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.kind.in_(LINK_MAIL_KINDS),
            func.lower(OutboxMessage.recipient_email) == email.strip().lower(),
            OutboxMessage.created_at >= since,
        )
    )


def export_of(user: User) -> list[dict]:
    """The user's linked identities for the GDPR export (R45): provider, subject, whether a pid hash is kept."""
    return [
        {
            "provider": i.provider,
            "subject": i.subject,
            "pid_hash_kept": i.pid_hash is not None,
            "linked_at": format_iso(i.created_at),
            "last_login_at": format_iso(i.last_login_at) if i.last_login_at else None,
        }
        for i in identities_of(user)
    ]
