"""Scheduled jobs of the accounts domain, run by `flask worker`: organisations registered while
Enhetsregisteret did not answer (or before the lookup existed) are looked up again, and login
attempts (address, IP address, time) are deleted after KEEP_LOGIN_ATTEMPTS (R45)."""

from __future__ import annotations

from compete.accounts.queries import delete_login_attempts
from compete.accounts.services.login import KEEP_LOGIN_ATTEMPTS
from compete.accounts.services.register import recheck_unverified
from compete.core.jobs import register_job
from compete.core.time import now


def prune_login_attempts() -> int:
    return delete_login_attempts(before=now() - KEEP_LOGIN_ATTEMPTS)


register_job("accounts.register_recheck", 3600, recheck_unverified, own_transactions=True)
register_job("accounts.prune_login_attempts", 6 * 3600, prune_login_attempts)
