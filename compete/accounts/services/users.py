"""Writes for users: accounts created from registration requests, verification, password reset,
profile, export. The requests themselves are queued by `mail_requests`."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from compete.accounts import queries
from compete.accounts.models import User
from compete.accounts.services.sessions import set_password
from compete.accounts.tokens import InvalidToken, make_token, read_token
from compete.audit.services import Actor, record
from compete.core.errors import DomainError
from compete.core.formatting import format_iso
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.notifications.services import queue_email

LANGUAGES = ("nb", "nn", "en")


def _stamp(moment) -> str:
    return moment.isoformat()


def _normal_email(email: str) -> str:
    return email.strip().lower()


# --- registration and verification -------------------------------------------------------


def create_user(name: str, email: str, password_hash: str, *, language: str, privacy_accepted_at: datetime) -> User:
    """Create an unverified account (from a handled registration request) and e-mail a verification link."""
    language = language if language in LANGUAGES else "nb"
    moment = now()
    user = User(
        name=name.strip(),
        email=email.strip(),
        password_hash=password_hash,
        language=language,
        privacy_accepted_at=privacy_accepted_at,
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


# --- password reset ------------------------------------------------------------------------


def reset_token(user: User) -> str:
    """Bound to the moment the password last changed: any change (including this reset) voids it."""
    return make_token("reset", {"id": user.id, "changed": _stamp(user.password_changed_at)})


def send_reset(user: User) -> None:
    """Queue an e-mail with a reset link (from a handled reset request)."""
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
    set_password(user, password, "password_reset")  # also ends every session of the user
    if user.email_verified_at is None:
        user.email_verified_at = user.password_changed_at  # the link reached the mailbox
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
        "account_requests": [
            {"kind": r.kind.value, "at": format_iso(r.requested_at), "ip": r.ip, "answered": r.processed_at is not None}
            for r in queries.mail_requests_for(user.email)
        ],
        "login_attempts": [
            {"at": format_iso(a.at), "ip": a.ip, "succeeded": a.succeeded}
            for a in queries.login_attempts_for(user.email)
        ],
    }
