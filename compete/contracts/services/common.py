"""Shared pieces of the contract services: checks on money and text, the ceiling lock, e-mail."""

from __future__ import annotations

from sqlalchemy import select

from compete.contracts import queries
from compete.contracts.models import Contract
from compete.core.errors import DomainError
from compete.core.formatting import format_nok
from compete.core.i18n import lazy_gettext as _l
from compete.extensions import db
from compete.notifications.services import queue_email

MAX_AMOUNT = 2_000_000_000  # the databases' integer columns hold up to 2 147 483 647


def positive_amount(value, what) -> int:
    """Whole kroner above zero; floats and booleans are refused (R48)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(_l("%(what)s must be a whole number of kroner.", what=what), code="amount")
    if value <= 0:
        raise DomainError(_l("%(what)s must be more than 0 kr.", what=what), code="amount")
    if value > MAX_AMOUNT:
        raise DomainError(_l("%(what)s can be at most 2 000 000 000 kr.", what=what), code="amount")
    return value


def required_text(value: str | None, what) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(_l("%(what)s is required.", what=what), code="required")
    return text


def lock(contract: Contract) -> Contract:
    """Serialise writes that move money on one contract (row lock on PostgreSQL)."""
    db.session.scalars(select(Contract.id).where(Contract.id == contract.id).with_for_update()).first()
    db.session.refresh(contract)
    return contract


def within_ceiling(contract: Contract, extra: int = 0, locale: str | None = None) -> None:
    """Refuse when what is committed plus `extra` would pass the ceiling."""
    totals = queries.totals(contract)
    if totals.committed + extra > contract.ceiling:
        raise DomainError(
            _l(
                "This would exceed the contract's ceiling of %(ceiling)s: %(remaining)s is left.",
                ceiling=format_nok(contract.ceiling, locale),
                remaining=format_nok(max(totals.remaining, 0), locale),
            ),
            code="ceiling",
        )


def tell(kind: str, users, competition, **context) -> None:
    """Queue one e-mail per user, in the user's language (through the outbox)."""
    seen = set()
    for user in users:
        if user.id in seen:
            continue
        seen.add(user.id)
        queue_email(
            f"contracts/{kind}", user.email, language=user.language, recipient=user, competition=competition, **context
        )
