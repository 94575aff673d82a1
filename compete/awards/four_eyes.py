"""Four eyes on money (R37, R49): the officer who approved a payment may not also register it as
paid. Each buyer decides (on by default); in a competition owned by several buyers the rule holds
when any of them asks for it. Used for stage awards here and for contract milestones and claims."""

from __future__ import annotations

from compete.accounts.models import Organisation
from compete.audit.services import Actor, record
from compete.competitions.models import Competition
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.extensions import db


def four_eyes_required(competition: Competition) -> bool:
    return any(owner.organisation.payments_four_eyes for owner in competition.owners)


def require_second_pair_of_eyes(competition: Competition, approved_by_id: int | None, actor: Actor) -> None:
    """Refuse registering a payment as paid by the officer who approved it, when the buyer asks for four eyes."""
    if approved_by_id is not None and approved_by_id == actor.user.id and four_eyes_required(competition):
        raise DomainError(
            _l("You approved this payment: another officer must register it as paid (four eyes)."),
            code="four_eyes",
        )


def set_payments_four_eyes(organisation: Organisation, enabled: bool, actor: Actor) -> None:
    """The buyer's owner turns the four-eyes rule on or off for the buyer's payments; audited."""
    if not organisation.is_approved_buyer:
        raise DomainError(_l("Only a buyer organisation has payments to control."), code="buyer")
    before = organisation.payments_four_eyes
    if before == enabled:
        return
    organisation.payments_four_eyes = enabled
    db.session.flush()
    record(
        actor,
        "organisation.payments_four_eyes",
        organisation,
        before={"payments_four_eyes": before},
        after={"payments_four_eyes": enabled},
    )
