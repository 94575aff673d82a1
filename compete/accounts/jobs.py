"""Scheduled jobs of the accounts domain, run by `flask worker`: organisations registered while
Enhetsregisteret did not answer (or before the lookup existed) are looked up again."""

from __future__ import annotations

from compete.accounts.services.register import recheck_unverified
from compete.core.jobs import register_job

register_job("accounts.register_recheck", 3600, recheck_unverified, own_transactions=True)
