"""Writes for accounts and organisations: registration, login, tokens, organisations, roles.

Services take plain values and models, flush only, audit every write and queue
e-mail in the same transaction. Refusals raise DomainError with a translatable message.
"""

from __future__ import annotations

import math
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as ngettext  # extracted as ngettext

from compete.accounts import queries
from compete.accounts.models import (
    BuyerStatus,
    Invitation,
    LoginAttempt,
    MemberRole,
    Membership,
    Organisation,
    OrgCategory,
    User,
)
from compete.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password, needs_rehash, verify_password
from compete.accounts.permissions import can_request_buyer, can_set_officer
from compete.accounts.tokens import InvalidToken, make_token, read_token
from compete.audit.services import Actor, record
from compete.core.errors import DomainError
from compete.core.formatting import format_iso
from compete.core.time import now
from compete.extensions import db
from compete.notifications.services import queue_email

INVITATION_MAX_AGE_SECONDS = 14 * 24 * 3600
LANGUAGES = ("nb", "nn", "en")


class LoginThrottled(DomainError):
    """Too many failed logins for this account or address; `minutes` until the next try."""

    def __init__(self, minutes: int):
        self.minutes = minutes
        super().__init__(
            ngettext(
                "Too many failed attempts. Try again in %(num)d minute.",
                "Too many failed attempts. Try again in %(num)d minutes.",
                minutes,
            ),
            code="throttled",
        )


def _stamp(moment) -> str:
    return moment.isoformat()


def _normal_email(email: str) -> str:
    return email.strip().lower()


# --- registration and verification -------------------------------------------------------


def register(name: str, email: str, password: str, *, language: str, privacy_accepted: bool) -> User | None:
    """Create an unverified account and e-mail a verification link.

    When the address already has an account, nobody is created; its owner gets an
    e-mail saying someone tried to register with it. Returns the new user or None,
    and the caller shows the same page either way (no user enumeration).
    """
    if not privacy_accepted:
        raise DomainError(_l("You must accept the privacy notice to register."))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_l("The password needs at least %(num)d characters.", num=MIN_PASSWORD_LENGTH))
    language = language if language in LANGUAGES else "nb"
    email = email.strip()
    hashed = hash_password(password)  # also when the address is taken: same work, same timing
    existing = queries.user_by_email(email)
    if existing is not None:
        queue_email(
            "accounts/registration_attempt",
            to=existing.email,
            language=existing.language,
            recipient=existing,
            reset_path="/reset",
        )
        return None
    moment = now()
    user = User(
        name=name.strip(),
        email=email,
        password_hash=hashed,
        language=language,
        privacy_accepted_at=moment,
        password_changed_at=moment,
    )
    db.session.add(user)
    db.session.flush()
    record(Actor(user, None, "user"), "user.registered", user, after={"email": user.email, "language": language})
    send_verification(user)
    return user


def verification_token(user: User) -> str:
    return make_token("verify", {"id": user.id, "email": user.email})


def send_verification(user: User) -> None:
    """Queue an e-mail with a link that verifies the user's address."""
    queue_email(
        "accounts/verify",
        to=user.email,
        language=user.language,
        recipient=user,
        token=verification_token(user),
    )


def verify_email(token: str) -> User:
    """Mark the address in a valid verification token as verified."""
    try:
        payload = read_token("verify", token, current_app.config["TOKEN_MAX_AGE_SECONDS"])
    except InvalidToken:
        raise DomainError(
            _l("This verification link is invalid or has expired. Log in and ask for a new one.")
        ) from None
    user = db.session.get(User, payload.get("id"))
    if user is None or _normal_email(user.email) != _normal_email(payload.get("email", "")):
        raise DomainError(_l("This verification link is invalid or has expired. Log in and ask for a new one."))
    if user.email_verified_at is None:
        user.email_verified_at = now()
        record(Actor(user, None, "user"), "user.email_verified", user, after={"email": user.email})
        db.session.flush()
    return user


# --- login and throttling ----------------------------------------------------------------


def _throttle_minutes(failures, limit: int, window: timedelta) -> int:
    if len(failures) < limit:
        return 0
    # The (len - limit + 1)-th oldest failure must leave the window before the next try.
    release = failures[len(failures) - limit] + window
    return max(1, math.ceil((release - now()).total_seconds() / 60))


def check_throttle(email: str, ip: str) -> None:
    """Raise LoginThrottled when this account or this address failed too often within the window."""
    config = current_app.config
    window = timedelta(seconds=config["LOGIN_THROTTLE_WINDOW_SECONDS"])
    since = now() - window
    minutes = max(
        _throttle_minutes(
            queries.recent_failures(email=email, since=since), config["LOGIN_MAX_FAILURES_PER_ACCOUNT"], window
        ),
        _throttle_minutes(queries.recent_failures(ip=ip, since=since), config["LOGIN_MAX_FAILURES_PER_IP"], window),
    )
    if minutes:
        raise LoginThrottled(minutes)


_dummy_hash: str | None = None


def authenticate(email: str, password: str, ip: str) -> User:
    """Check the credentials and record the attempt; the same refusal for every kind of failure."""
    global _dummy_hash
    check_throttle(email, ip)
    user = queries.user_by_email(email)
    if user is None:
        _dummy_hash = _dummy_hash or hash_password("not a password of anyone")
        verify_password(_dummy_hash, password)  # same cost as a real check
        ok = False
    else:
        ok = verify_password(user.password_hash, password) and user.is_active
    db.session.add(LoginAttempt(email=_normal_email(email)[:254], ip=ip[:64], succeeded=ok, at=now()))
    db.session.flush()
    if not ok:
        raise DomainError(_l("Wrong e-mail address or password."), code="credentials")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


# --- password reset ------------------------------------------------------------------------


def reset_token(user: User) -> str:
    """Bound to the moment the password last changed: any change (including this reset) voids it."""
    return make_token("reset", {"id": user.id, "changed": _stamp(user.password_changed_at)})


def request_password_reset(email: str) -> None:
    """E-mail a reset link when the address has an account; silently nothing otherwise."""
    user = queries.user_by_email(email)
    if user is None or not user.is_active:
        return
    queue_email("accounts/reset", to=user.email, language=user.language, recipient=user, token=reset_token(user))


def user_for_reset_token(token: str) -> User:
    invalid = _l("This reset link is invalid, has expired or has already been used. Ask for a new one.")
    try:
        payload = read_token("reset", token, current_app.config["RESET_TOKEN_MAX_AGE_SECONDS"])
    except InvalidToken:
        raise DomainError(invalid) from None
    user = db.session.get(User, payload.get("id"))
    if user is None or not user.is_active or payload.get("changed") != _stamp(user.password_changed_at):
        raise DomainError(invalid)
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password from a valid, unused reset token; the address counts as verified."""
    user = user_for_reset_token(token)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_l("The password needs at least %(num)d characters.", num=MIN_PASSWORD_LENGTH))
    moment = now()
    if moment <= user.password_changed_at:
        moment = user.password_changed_at + timedelta(microseconds=1)
    user.password_hash = hash_password(password)
    user.password_changed_at = moment
    if user.email_verified_at is None:
        user.email_verified_at = moment  # the link reached the mailbox
    record(Actor(user, None, "user"), "user.password_reset", user)
    db.session.flush()
    return user


# --- profile ---------------------------------------------------------------------------------


def update_profile(user: User, *, name: str, language: str) -> User:
    if language not in LANGUAGES:
        raise DomainError(_l("Choose bokmål, nynorsk or English."))
    before = {"name": user.name, "language": user.language}
    user.name = name.strip()
    user.language = language
    record(
        Actor(user, None, "user"),
        "user.profile_updated",
        user,
        before=before,
        after={"name": name, "language": language},
    )
    db.session.flush()
    return user


def export_user_data(user: User) -> dict:
    """Everything we store about the user, for the GDPR export (R45)."""
    return {
        "user": {
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "language": user.language,
            "is_admin": user.is_admin,
            "created_at": format_iso(user.created_at),
            "email_verified_at": format_iso(user.email_verified_at) if user.email_verified_at else None,
            "privacy_accepted_at": format_iso(user.privacy_accepted_at),
            "password_changed_at": format_iso(user.password_changed_at),
        },
        "memberships": [
            {
                "organisation_id": m.organisation_id,
                "organisation": m.organisation.name,
                "orgnr": m.organisation.orgnr,
                "foreign_registration": m.organisation.foreign_registration,
                "country": m.organisation.country,
                "role": m.role.value,
                "is_officer": m.is_officer,
                "since": format_iso(m.created_at),
            }
            for m in queries.memberships_of(user)
        ],
        "login_attempts": [
            {"at": format_iso(a.at), "ip": a.ip, "succeeded": a.succeeded}
            for a in queries.login_attempts_for(user.email)
        ],
    }


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

    `orgnr` and `foreign_registration` arrive normalised. The creator becomes its owner.
    """
    country = country.upper()
    if country == "NO":
        if not orgnr:
            raise DomainError(_l("A Norwegian organisation needs its organisation number."))
        if queries.organisation_by_orgnr(orgnr) is not None:
            raise DomainError(
                _l("An organisation with this organisation number is already registered. Ask its owner to invite you.")
            )
        foreign_registration = None
    else:
        if not foreign_registration:
            raise DomainError(_l("A foreign organisation needs its registration number."))
        if queries.organisation_by_foreign_registration(country, foreign_registration) is not None:
            raise DomainError(
                _l("An organisation with this registration number is already registered. Ask its owner to invite you.")
            )
        orgnr = None
    organisation = Organisation(
        name=name.strip(),
        orgnr=orgnr,
        foreign_registration=foreign_registration,
        country=country,
        category=category,
        buyer_status=BuyerStatus.NONE,
        default_language=user.language,
    )
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
