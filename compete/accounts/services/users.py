"""Writes for users: registration, verification, login and throttling, password reset, profile, export."""

from __future__ import annotations

import math
from datetime import timedelta

from flask import current_app

from compete.accounts import queries
from compete.accounts.models import (
    LoginAttempt,
    User,
)
from compete.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password, needs_rehash, verify_password
from compete.accounts.tokens import InvalidToken, make_token, read_token
from compete.audit.services import Actor, record
from compete.core.errors import DomainError
from compete.core.formatting import format_iso
from compete.core.i18n import lazy_gettext as _l
from compete.core.i18n import lazy_ngettext as ngettext  # extracted as ngettext
from compete.core.time import now
from compete.extensions import db
from compete.notifications.services import queue_email

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
