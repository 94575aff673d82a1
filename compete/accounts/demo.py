"""Demo data for accounts: a municipality waiting for buyer approval (see /admin/organisations)."""

from __future__ import annotations

from sqlalchemy import select

from compete.accounts.models import BuyerStatus, MemberRole, Membership, Organisation, OrgCategory, User
from compete.core.time import now
from compete.demo import password_hash
from compete.extensions import db

MUNICIPALITY = ("Bergen kommune", "964338531")


def load(accounts: list[tuple[str, str]]) -> None:
    """Idempotent; flush only."""
    email = "kommune@demo.test"
    user = db.session.scalars(select(User).where(User.email == email)).first()
    if user is None:
        moment = now()
        user = User(
            email=email,
            name="Kari Kommune",
            password_hash=password_hash(),
            email_verified_at=moment,
            privacy_accepted_at=moment,
            password_changed_at=moment,
        )
        db.session.add(user)
        db.session.flush()
    name, orgnr = MUNICIPALITY
    org = db.session.scalars(select(Organisation).where(Organisation.orgnr == orgnr)).first()
    if org is None:
        org = Organisation(
            name=name, orgnr=orgnr, country="NO", category=OrgCategory.PUBLIC_BODY, buyer_status=BuyerStatus.PENDING
        )
        db.session.add(org)
        db.session.flush()
        db.session.add(Membership(user=user, organisation=org, role=MemberRole.OWNER))
        db.session.flush()
    accounts.append((email, f"owner of {name}, buyer request pending"))
