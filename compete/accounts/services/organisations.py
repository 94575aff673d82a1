"""Writes for organisations: creation, invitations, buyer approval and the officer role."""

from __future__ import annotations

from flask_babel import get_locale

from compete.accounts import brreg, queries
from compete.accounts.brreg import RegisterState
from compete.accounts.models import (
    BuyerStatus,
    Invitation,
    MemberRole,
    Membership,
    Organisation,
    OrgCategory,
    RegisterStatus,
    User,
)
from compete.accounts.permissions import can_request_buyer, can_set_officer
from compete.accounts.services.register import apply_unit, register_facts
from compete.accounts.services.users import _normal_email
from compete.accounts.tokens import InvalidToken, make_token, read_token
from compete.audit.services import Actor, record
from compete.core.errors import DomainError
from compete.core.formatting import format_date_text
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.notifications.services import queue_email

INVITATION_MAX_AGE_SECONDS = 14 * 24 * 3600


# --- organisations -----------------------------------------------------------------------------


def create_organisation(
    user: User,
    *,
    name: str,
    category: OrgCategory,
    country: str = "NO",
    orgnr: str | None = None,
    foreign_registration: str | None = None,
) -> Organisation:
    """Register an organisation (orgnr for Norway, R8; registration number and country otherwise, R11).

    `orgnr` and `foreign_registration` arrive normalised. A Norwegian number is looked up in
    Enhetsregisteret: its name, form, dates and address replace what was typed; an unknown or deleted
    number is refused (code "orgnr"); if the register does not answer, the typed name is kept and the
    organisation is marked unverified for the worker to check again. The creator becomes its owner.
    """
    country = country.upper()
    name = (name or "").strip()
    answer = None
    if country == "NO":
        if not orgnr:
            raise DomainError(_l("A Norwegian organisation needs its organisation number."))
        if queries.organisation_by_orgnr(orgnr) is not None:
            raise DomainError(
                _l("An organisation with this organisation number is already registered. Ask its owner to invite you.")
            )
        foreign_registration = None
        answer = brreg.lookup(orgnr)
        if answer.state == RegisterState.UNKNOWN:
            raise DomainError(
                _l("No unit has this organisation number in Enhetsregisteret (the Brønnøysund Register Centre)."),
                code="orgnr",
            )
        if answer.state == RegisterState.DELETED:
            if answer.deleted_on is None:
                raise DomainError(_l("This unit is deleted from Enhetsregisteret and cannot take part."), code="orgnr")
            raise DomainError(
                _l(
                    "This unit was deleted from Enhetsregisteret on %(date)s and cannot take part.",
                    date=format_date_text(answer.deleted_on, str(get_locale() or user.language)),
                ),
                code="orgnr",
            )
        if answer.state == RegisterState.UNAVAILABLE and not name:
            raise DomainError(
                _l("Enhetsregisteret did not answer, so we could not fetch the name. Enter it yourself."), code="name"
            )
    else:
        if not foreign_registration:
            raise DomainError(_l("A foreign organisation needs its registration number."))
        if queries.organisation_by_foreign_registration(country, foreign_registration) is not None:
            raise DomainError(
                _l("An organisation with this registration number is already registered. Ask its owner to invite you.")
            )
        orgnr = None
    if not name and (answer is None or answer.state != RegisterState.FOUND):
        raise DomainError(_l("Enter the name."), code="name")
    organisation = Organisation(
        name=name,
        orgnr=orgnr,
        foreign_registration=foreign_registration,
        country=country,
        category=category,
        buyer_status=BuyerStatus.NONE,
        default_language=user.language,
    )
    if answer is not None and answer.state == RegisterState.FOUND:
        apply_unit(organisation, answer.unit)
    elif answer is not None and answer.state == RegisterState.UNAVAILABLE:
        organisation.register_status = RegisterStatus.UNVERIFIED
    db.session.add(organisation)
    db.session.flush()
    db.session.add(Membership(user=user, organisation=organisation, role=MemberRole.OWNER))
    record(
        Actor(user, organisation, "owner"),
        "organisation.created",
        organisation,
        after={
            "name": organisation.name,
            "orgnr": orgnr,
            "foreign_registration": foreign_registration,
            "country": country,
            "category": category,
            **({key: value for key, value in register_facts(organisation).items() if key != "name"} if orgnr else {}),
        },
    )
    db.session.flush()
    return organisation


def invitation_token(invitation: Invitation) -> str:
    return make_token("invite", {"id": invitation.id, "email": invitation.email})


def invite(inviter: User, organisation: Organisation, email: str) -> Invitation:
    """Invite an address to join as a member; the e-mail carries a signed link."""
    email = email.strip()
    existing = queries.user_by_email(email)
    if existing is not None and queries.membership(existing, organisation) is not None:
        raise DomainError(_l("%(email)s is already a member.", email=email))
    invitation = Invitation(organisation=organisation, email=email, role=MemberRole.MEMBER, invited_by_id=inviter.id)
    db.session.add(invitation)
    db.session.flush()
    record(Actor(inviter, organisation, "owner"), "invitation.sent", invitation, after={"email": email})
    queue_email(
        "accounts/invitation",
        to=email,
        language=existing.language if existing else organisation.default_language,
        recipient=existing,
        organisation=organisation,
        inviter=inviter,
        token=invitation_token(invitation),
    )
    return invitation


def invitation_for_token(token: str) -> Invitation:
    invalid = _l("This invitation is invalid, has expired or has already been accepted.")
    try:
        payload = read_token("invite", token, INVITATION_MAX_AGE_SECONDS)
    except InvalidToken:
        raise DomainError(invalid) from None
    invitation = db.session.get(Invitation, payload.get("id"))
    if invitation is None or invitation.accepted_at is not None or invitation.email != payload.get("email"):
        raise DomainError(invalid)
    return invitation


def accept_invitation(user: User, token: str) -> Membership:
    """Join the organisation; only the invited address may accept, and the link proves it."""
    invitation = invitation_for_token(token)
    if _normal_email(invitation.email) != _normal_email(user.email):
        raise DomainError(
            _l("This invitation was sent to another e-mail address. Log in with that address to accept it.")
        )
    moment = now()
    if user.email_verified_at is None:
        user.email_verified_at = moment
    invitation.accepted_at = moment
    member = queries.membership(user, invitation.organisation)
    if member is None:
        member = Membership(user=user, organisation=invitation.organisation, role=invitation.role)
        db.session.add(member)
    db.session.flush()
    record(
        Actor(user, invitation.organisation, "member"),
        "invitation.accepted",
        invitation,
        after={"user_id": user.id, "role": member.role},
    )
    return member


# --- buyers and officers ----------------------------------------------------------------------


def request_buyer_status(user: User, organisation: Organisation) -> None:
    """A public body asks to become a buyer; a platform admin decides."""
    if not can_request_buyer(user, organisation):
        raise DomainError(_l("Only owners of a public body can ask to become a buyer, once per decision."))
    before = organisation.buyer_status
    organisation.buyer_status = BuyerStatus.PENDING
    record(
        Actor(user, organisation, "owner"),
        "organisation.buyer_requested",
        organisation,
        before={"buyer_status": before},
        after={"buyer_status": BuyerStatus.PENDING},
    )
    db.session.flush()


def decide_buyer(admin: User, organisation: Organisation, *, approve: bool) -> None:
    """Approve or reject a pending buyer request. A rejection removes any officer roles."""
    if organisation.buyer_status != BuyerStatus.PENDING:
        raise DomainError(_l("This organisation has no pending buyer request."))
    new = BuyerStatus.APPROVED if approve else BuyerStatus.REJECTED
    organisation.buyer_status = new
    if not approve:
        for m in organisation.memberships:
            m.is_officer = False
    record(
        Actor(admin, None, "admin"),
        "organisation.buyer_approved" if approve else "organisation.buyer_rejected",
        organisation,
        before={"buyer_status": BuyerStatus.PENDING},
        after={"buyer_status": new},
    )
    for m in organisation.memberships:
        if m.role == MemberRole.OWNER:
            queue_email(
                "accounts/buyer_decision",
                to=m.user.email,
                language=m.user.language,
                recipient=m.user,
                organisation=organisation,
                approved=approve,
            )
    db.session.flush()


def set_officer(actor: User, member: Membership, *, officer: bool) -> None:
    """Give or remove the procurement-officer role within an approved buyer."""
    organisation = member.organisation
    if not can_set_officer(actor, organisation):
        raise DomainError(_l("Only owners of an approved buyer can give or remove the procurement-officer role."))
    before = member.is_officer
    member.is_officer = officer
    record(
        Actor(
            actor, organisation, "admin" if actor.is_admin and not queries.membership(actor, organisation) else "owner"
        ),
        "membership.officer_granted" if officer else "membership.officer_removed",
        member,
        before={"user_id": member.user_id, "is_officer": before},
        after={"user_id": member.user_id, "is_officer": officer},
    )
    db.session.flush()
