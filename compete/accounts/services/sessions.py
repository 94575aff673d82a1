"""Sessions that end on the server: logout, password change and "log out everywhere".

Every session and remember cookie carries the user's session token (User.get_id); a new
token makes all of them worthless at once, on every web instance, because it lives in the
database.
"""

from __future__ import annotations

from datetime import timedelta

from compete.accounts.models import User, new_session_token
from compete.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from compete.accounts.services.login import check_throttle, record_attempt
from compete.audit.services import Actor, record
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now

END_REASONS = ("logout", "everywhere", "password_changed", "password_reset")


def end_sessions(user: User, reason: str) -> User:
    """Give the user a new session token: every earlier session and remember cookie is refused."""
    if reason not in END_REASONS:
        raise ValueError(reason)
    user.session_token = new_session_token()
    if reason in ("logout", "everywhere"):  # password changes have their own audit entry
        record(Actor(user, None, "user"), "user.sessions_ended", user, after={"reason": reason})
    return user


def set_password(user: User, password: str, reason: str) -> User:
    """New hash, a later password_changed_at (voids reset links) and a new session token."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_l("The password needs at least %(num)d characters.", num=MIN_PASSWORD_LENGTH))
    moment = now()
    if moment <= user.password_changed_at:
        moment = user.password_changed_at + timedelta(microseconds=1)
    user.password_hash = hash_password(password)
    user.password_changed_at = moment
    end_sessions(user, reason)
    return user


def change_password(user: User, current_password: str, new_password: str, *, ip: str) -> User:
    """The signed-in user's own change: needs the current password; other sessions end.

    A wrong current password counts as a failed login for the account from this address, and the
    login throttle applies (LoginThrottled): a borrowed session cannot guess the password at will."""
    check_throttle(user.email, ip)
    if not verify_password(user.password_hash, current_password):
        record_attempt(user.email, ip, succeeded=False)
        raise DomainError(_l("Your current password is not correct."), code="credentials")
    set_password(user, new_password, "password_changed")
    record(Actor(user, None, "user"), "user.password_changed", user)
    return user
