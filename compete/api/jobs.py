"""Scheduled jobs of the API domain, run by `flask worker`: forget ended rate-limit windows."""

from __future__ import annotations

from compete.api.services import prune_rate_counters
from compete.core.jobs import register_job

register_job("api.prune_rate_counters", 600, prune_rate_counters)
