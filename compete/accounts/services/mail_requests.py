"""Registration, password reset and verification requests: queued, limited, answered later.

A request only validates, checks the limits, hashes a registration's password and stores one
row; the worker (`flask outbox send`) looks the address up and queues the e-mail. So the
request runs the same code and the same queries whether or not the address has an account,
and takes as long either way. Each address gets at most ACCOUNT_MAIL_MAX_PER_ADDRESS requests
of each kind, and each IP address ACCOUNT_MAIL_MAX_PER_IP of all kinds, within the window;
requests past a limit get the same answer and no row, so no e-mail (and cost no password hash).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from flask import current_app

from compete.accounts import queries
from compete.accounts.models import AccountMailRequest, MailRequestKind, User
from compete.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password
from compete.accounts.services.users import LANGUAGES, create_user, send_reset, send_verification
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.notifications.services import queue_email

log = logging.getLogger(__name__)


def _queue(kind: MailRequestKind, email: str, ip: str, fields: Callable[[], dict] = dict) -> AccountMailRequest | None:
    """Store the request when both limits allow it; None (and a log line) when one does not.
    `fields` gives the row's other columns, and is called only when the limits allow: a
    registration's argon2 hash (~200 ms of CPU) is not computed for a request that is dropped."""
    config = current_app.config
    moment = now()
    since = moment - timedelta(seconds=config["ACCOUNT_MAIL_WINDOW_SECONDS"])
    email, ip = email.strip()[:254], ip[:64]
    per_address = queries.count_mail_requests(since=since, kind=kind, email=email)
    per_ip = queries.count_mail_requests(since=since, ip=ip)
    if per_address >= config["ACCOUNT_MAIL_MAX_PER_ADDRESS"] or per_ip >= config["ACCOUNT_MAIL_MAX_PER_IP"]:
        log.warning("account mail limit: %s request from %s dropped (%s for the address)", kind, ip, per_address)
        return None
    request = AccountMailRequest(kind=kind, email=email, ip=ip, requested_at=moment, **fields())
    db.session.add(request)
    db.session.flush()
    return request


def request_registration(
    name: str, email: str, password: str, *, language: str, ip: str, privacy_accepted: bool
) -> AccountMailRequest | None:
    """Queue a registration. The worker creates the account and e-mails a verification link, or,
    when the address already has an account, e-mails its owner instead of making a second one."""
    if not privacy_accepted:
        raise DomainError(_l("You must accept the privacy notice to register."))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_l("The password needs at least %(num)d characters.", num=MIN_PASSWORD_LENGTH))
    language = language if language in LANGUAGES else "nb"
    return _queue(
        MailRequestKind.REGISTER,
        email,
        ip,
        lambda: {"name": name.strip()[:200], "password_hash": hash_password(password), "language": language},
    )


def request_password_reset(email: str, *, ip: str) -> AccountMailRequest | None:
    """Queue a reset; the worker e-mails a link when the address has an active account."""
    return _queue(MailRequestKind.RESET, email, ip)


def request_verification(user: User, *, ip: str) -> AccountMailRequest | None:
    """Queue a new verification link for the signed-in, unverified user."""
    return _queue(MailRequestKind.VERIFY, user.email, ip, lambda: {"language": user.language})


# --- the worker's half ----------------------------------------------------------------------


def _handle_register(request: AccountMailRequest) -> None:
    existing = queries.user_by_email(request.email)
    if existing is not None:
        queue_email(
            "accounts/registration_attempt",
            to=existing.email,
            language=existing.language,
            recipient=existing,
            reset_path="/reset",
        )
        return
    create_user(
        request.name or "",
        request.email,
        request.password_hash,
        language=request.language,
        privacy_accepted_at=request.requested_at,
    )


def _handle_reset(request: AccountMailRequest) -> None:
    user = queries.user_by_email(request.email)
    if user is not None and user.is_active:
        send_reset(user)


def _handle_verify(request: AccountMailRequest) -> None:
    user = queries.user_by_email(request.email)
    if user is not None and user.is_active and not user.is_verified:
        send_verification(user)


_HANDLERS = {
    MailRequestKind.REGISTER: _handle_register,
    MailRequestKind.RESET: _handle_reset,
    MailRequestKind.VERIFY: _handle_verify,
}


KEEP_HANDLED_REQUESTS = timedelta(days=30)


def process_mail_requests(limit: int = 100) -> int:
    """Answer pending requests, oldest first (flush only); the caller commits. Returns how many.

    Handled requests (address, IP address, time) are deleted after 30 days.
    """
    queries.delete_handled_mail_requests(before=now() - KEEP_HANDLED_REQUESTS)
    handled = 0
    for request in queries.pending_mail_requests(limit):
        _HANDLERS[request.kind](request)
        request.processed_at = now()
        request.password_hash = None  # kept only until the account exists
        handled += 1
    db.session.flush()
    return handled
