"""Helpers for accounts tests: outbox links, invitations, buyer requests."""

from __future__ import annotations

import re

from sqlalchemy import select

from compete.accounts.models import BuyerStatus, Invitation, MemberRole, Membership, Organisation, User
from compete.extensions import db
from compete.notifications.models import OutboxMessage

PASSWORD = "correct horse battery"


def outbox(kind: str | None = None, to: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    if to:
        query = query.where(OutboxMessage.recipient_email == to)
    return list(db.session.scalars(query))


def link_path(message: OutboxMessage, prefix: str) -> str:
    """The path of the first absolute link in the text body that starts with `prefix` (e.g. "/verify/")."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"[^\s]+)", message.body_text)
    assert match, f"no {prefix} link in {message.body_text!r}"
    return match.group(1)


def make_member(organisation: Organisation, user: User, role: MemberRole = MemberRole.MEMBER, officer=False):
    membership = Membership(user=user, organisation=organisation, role=role, is_officer=officer)
    db.session.add(membership)
    db.session.flush()
    return membership


def make_invitation(organisation: Organisation, inviter: User, email: str) -> Invitation:
    invitation = Invitation(organisation=organisation, email=email, role=MemberRole.MEMBER, invited_by_id=inviter.id)
    db.session.add(invitation)
    db.session.flush()
    return invitation


def set_buyer_status(organisation: Organisation, status: BuyerStatus) -> Organisation:
    organisation.buyer_status = status
    db.session.flush()
    return organisation
