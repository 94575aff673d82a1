"""Enhetsregisteret (Brønnøysund) data on organisations: fill it in, and re-verify the unverified."""

from __future__ import annotations

from sqlalchemy import or_, select

from compete.accounts import brreg
from compete.accounts.brreg import RegisterAnswer, RegisterState, RegisterUnit
from compete.accounts.models import Organisation, RegisterStatus
from compete.audit.services import Actor, record
from compete.core.db import write_lock
from compete.core.time import now
from compete.extensions import db

RECHECK_BATCH = 20
REGISTER_FIELDS = (
    "name",
    "register_status",
    "org_form_code",
    "org_form",
    "registered_on",
    "founded_on",
    "business_address",
    "bankrupt",
    "under_liquidation",
    "under_forced_liquidation",
    "deleted_on",
)


def register_facts(organisation: Organisation) -> dict:
    """The register fields as audit data (dates as ISO text)."""
    facts = {}
    for key in REGISTER_FIELDS:
        value = getattr(organisation, key)
        facts[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return facts


def apply_unit(organisation: Organisation, unit: RegisterUnit) -> None:
    """Copy the register's name, form, dates, address and warnings onto the organisation; verified."""
    organisation.name = unit.name
    organisation.org_form_code = unit.org_form_code
    organisation.org_form = unit.org_form
    organisation.registered_on = unit.registered_on
    organisation.founded_on = unit.founded_on
    organisation.business_address = unit.address
    organisation.bankrupt = unit.bankrupt
    organisation.under_liquidation = unit.under_liquidation
    organisation.under_forced_liquidation = unit.under_forced_liquidation
    organisation.deleted_on = None
    organisation.register_status = RegisterStatus.VERIFIED
    organisation.register_checked_at = now()


def apply_answer(organisation: Organisation, answer: RegisterAnswer) -> bool:
    """Record a lookup's answer on an existing organisation; False when the register did not answer."""
    if answer.state == RegisterState.FOUND and answer.unit is not None:
        apply_unit(organisation, answer.unit)
    elif answer.state == RegisterState.DELETED:
        organisation.register_status = RegisterStatus.DELETED
        organisation.deleted_on = answer.deleted_on
        organisation.register_checked_at = now()
    elif answer.state == RegisterState.UNKNOWN:
        organisation.register_status = RegisterStatus.UNKNOWN
        organisation.register_checked_at = now()
    else:
        return False
    return True


def recheck_unverified(limit: int = RECHECK_BATCH) -> int:
    """Ask the register again about organisations registered while it did not answer (the worker's job),
    and about Norwegian organisations never looked up (registered before the lookup, or while it was off).

    No transaction is open while the register is asked (on SQLite the worker would otherwise hold the
    write lock for up to a timeout per lookup and keep the site from writing): the candidates are read
    and the read ends, then each answer is written and committed on its own. Stops at the first lookup
    the register does not answer; returns how many organisations were settled.
    """
    if not brreg.lookup_enabled():
        return 0
    waiting = db.session.execute(
        select(Organisation.id, Organisation.orgnr)
        .where(
            or_(Organisation.register_status == RegisterStatus.UNVERIFIED, Organisation.register_status.is_(None)),
            Organisation.orgnr.is_not(None),
        )
        .order_by(Organisation.register_checked_at.is_not(None), Organisation.register_checked_at, Organisation.id)
        .limit(limit)
    ).all()
    db.session.commit()
    settled = 0
    for organisation_id, orgnr in waiting:
        answer = brreg.lookup(orgnr)
        if answer.state not in (RegisterState.FOUND, RegisterState.DELETED, RegisterState.UNKNOWN):
            break
        with write_lock():
            organisation = db.session.get(Organisation, organisation_id)
            if organisation is None or organisation.register_status not in (RegisterStatus.UNVERIFIED, None):
                db.session.commit()
                continue
            before = register_facts(organisation)
            apply_answer(organisation, answer)
            record(
                Actor.system(),
                "organisation.register_checked",
                organisation,
                before=before,
                after=register_facts(organisation),
            )
            db.session.commit()
        settled += 1
    return settled
