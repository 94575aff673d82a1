"""Reads for accounts and organisations."""

from sqlalchemy import func, select

from compete.accounts.models import Membership, Organisation, User
from compete.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


def user_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(func.lower(User.email) == email.strip().lower())).first()


def organisation_by_orgnr(orgnr: str) -> Organisation | None:
    return db.session.scalars(select(Organisation).where(Organisation.orgnr == orgnr)).first()


def memberships_of(user: User) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.user_id == user.id)
            .join(Membership.organisation)
            .order_by(Organisation.name)
        )
    )
