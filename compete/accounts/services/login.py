"""Login and its throttling, with all state in the database (several web instances share it).

Failures are counted per account from one IP address, and per account from all addresses.
Failures from one IP address against other accounts do not refuse a correct password: behind
a shared address (a company network, a proxy) one person's typos or an attacker's guesses do
not lock out everybody else.

One bound does count an address's failures across accounts, because every password check costs
an argon2 hash (~200 ms of CPU at the production cost): past LOGIN_MAX_FAILURES_PER_IP failures
within the window, an address gets "try again later" without a password check, so that a spray
of guesses at many accounts from one address can neither take the CPU from everyone else nor go
on guessing. The bound is far above an office's typos, and it still lets through an account that
has logged in from that address before (within KEEP_LOGIN_ATTEMPTS): colleagues behind the same
address keep working while it holds.
"""

from __future__ import annotations

import math
from datetime import timedelta

from flask import current_app

from compete.accounts import queries
from compete.accounts.models import LoginAttempt, User
from compete.accounts.passwords import hash_password, needs_rehash, verify_password
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.i18n import lazy_ngettext as ngettext  # extracted as ngettext
from compete.core.time import now
from compete.extensions import db

# Login attempts (address, IP address, time) are deleted after this long (accounts.prune_login_attempts).
KEEP_LOGIN_ATTEMPTS = timedelta(days=30)


class LoginThrottled(DomainError):
    """Too many failed logins for this account (from this address or from all); `minutes` to wait."""

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


def normal_email(email: str) -> str:
    return email.strip().lower()


def _throttle_minutes(failures, limit: int, window: timedelta) -> int:
    if len(failures) < limit:
        return 0
    # The (len - limit + 1)-th oldest failure must leave the window before the next try.
    release = failures[len(failures) - limit] + window
    return max(1, math.ceil((release - now()).total_seconds() / 60))


def check_throttle(email: str, ip: str) -> None:
    """Raise LoginThrottled when this account failed too often from this address, or from all."""
    config = current_app.config
    window = timedelta(seconds=config["LOGIN_THROTTLE_WINDOW_SECONDS"])
    since = now() - window
    minutes = max(
        _throttle_minutes(
            queries.recent_failures(email=email, ip=ip, since=since),
            config["LOGIN_MAX_FAILURES_PER_IP_AND_ACCOUNT"],
            window,
        ),
        _throttle_minutes(
            queries.recent_failures(email=email, since=since), config["LOGIN_MAX_FAILURES_PER_ACCOUNT"], window
        ),
    )
    if minutes:
        raise LoginThrottled(minutes)
    minutes = _throttle_minutes(
        queries.recent_failures(ip=ip, since=since), config["LOGIN_MAX_FAILURES_PER_IP"], window
    )
    if minutes and not queries.logged_in_from(email, ip, since=now() - KEEP_LOGIN_ATTEMPTS):
        raise LoginThrottled(minutes)


def record_attempt(email: str, ip: str, succeeded: bool) -> None:
    """Count a password check for this account from this address (a login or a password change)."""
    db.session.add(LoginAttempt(email=normal_email(email)[:254], ip=ip[:64], succeeded=succeeded, at=now()))
    db.session.flush()


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
    record_attempt(email, ip, ok)
    if not ok:
        raise DomainError(_l("Wrong e-mail address or password."), code="credentials")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
