"""Stage awards and the winner's award (R37): one transition function over the table in
`compete.awards.states`, with the preconditions each move needs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from compete.audit.services import Actor, record
from compete.awards.four_eyes import require_second_pair_of_eyes
from compete.awards.gate import agreement_blocked
from compete.awards.models import StageAward
from compete.awards.services.decisions import next_stage
from compete.awards.states import AWARD_TRANSITIONS, AwardKind, AwardState
from compete.core.errors import DomainError
from compete.core.formatting import format_orgnr
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.submissions.models import Submission, SubmissionStatus


def due_at(award: StageAward) -> datetime | None:
    """When the deliverable is due: the date set on the award, else the next stage's deadline."""
    if award.due_at is not None:
        return award.due_at
    following = next_stage(award.stage)
    return following.deadline_at if following is not None else None


def next_stage_deliverable(award: StageAward) -> Submission | None:
    """The participant's submitted entry in the stage after the award's stage, if any."""
    following = next_stage(award.stage)
    if following is None:
        return None
    return db.session.scalars(
        select(Submission).where(
            Submission.stage_id == following.id,
            Submission.organisation_id == award.organisation_id,
            Submission.status == SubmissionStatus.SUBMITTED,
        )
    ).first()


def needs_submitted_deliverable(award: StageAward) -> bool:
    """A stage award with a following stage is paid for the entry submitted there (R37)."""
    return award.kind == AwardKind.STAGE and next_stage(award.stage) is not None


def received_at(award: StageAward) -> tuple[datetime, bool]:
    """When the deliverable came in, and whether the officer recorded the receipt by hand.

    A stage award with a following stage: the participant's submission in that stage (its last
    submitted version); without one there is no deliverable and the move is refused (R37). The
    winner's award, or a stage with no following stage: now, recorded by the officer."""
    if needs_submitted_deliverable(award):
        submission = next_stage_deliverable(award)
        if submission is None or submission.current_version is None:
            raise DomainError(
                _l(
                    "%(name)s has not submitted an entry in the next stage: there is no deliverable to receive.",
                    name=award.organisation.name,
                ),
                code="no_deliverable",
            )
        return submission.current_version.submitted_at, False
    return now(), True


def transition_award(
    award: StageAward,
    target: AwardState,
    actor: Actor,
    *,
    invoice_reference: str | None = None,
    reason: str | None = None,
    locale: str | None = None,
) -> StageAward:
    """The single way an award changes state: check the table, check the move's precondition,
    mutate, audit.

    sign: the agreement gate must be open (decision notified, standstill over, every complaint
    answered; R31–R33). deliver: records when and whether on time. accept: only an on-time
    deliverable (R37). reject: needs a reason. approve: needs an invoice reference; records the
    approver and the recipient's organisation number. pay: records date and who paid, who may not be
    the approver when the buyer asks for four eyes (R37).
    """
    source = award.state
    allowed = AWARD_TRANSITIONS.get((source, target))
    if allowed is None:
        raise DomainError(
            _l("An award cannot go from %(source)s to %(target)s.", source=source.value, target=target.value),
            code="transition",
        )
    if actor.role not in allowed:
        raise DomainError(_l("You may not make this change."), code="forbidden")
    moment = now()
    details: dict = {}
    if target == AwardState.AGREEMENT_SIGNED:
        blocked = agreement_blocked(award.stage, locale)
        if blocked is not None:
            raise DomainError(blocked, code="gate")
        award.agreement_signed_at = moment
        award.agreement_signed_by_id = actor.user.id
    elif target == AwardState.DELIVERED:
        award.delivered_at, by_officer = received_at(award)
        due = due_at(award)
        award.delivered_on_time = due is None or award.delivered_at <= due
        details = {
            "delivered_at": award.delivered_at,
            "on_time": award.delivered_on_time,
            "due_at": due,
            "receipt_recorded_by_officer": by_officer,
        }
    elif target == AwardState.ACCEPTED:
        if not award.delivered_on_time:
            raise DomainError(
                _l("The deliverable came in after the due date: it cannot be accepted for payment."),
                code="late",
            )
        award.accepted_at = moment
        award.accepted_by_id = actor.user.id
    elif target == AwardState.REJECTED:
        if not (reason and reason.strip()):
            raise DomainError(_l("Write why the deliverable is rejected."), code="reason")
        award.rejection_reason = reason.strip()
        details = {"reason": award.rejection_reason}
    elif target == AwardState.PAYMENT_APPROVED:
        if not (invoice_reference and invoice_reference.strip()):
            raise DomainError(_l("Enter the invoice reference."), code="invoice")
        orgnr = award.organisation.orgnr or award.organisation.foreign_registration
        if not orgnr:
            raise DomainError(_l("The recipient has no organisation number."), code="orgnr")
        award.invoice_reference = invoice_reference.strip()
        award.recipient_orgnr = orgnr
        award.payment_approved_at = moment
        award.payment_approved_by_id = actor.user.id
        details = {
            "amount": award.amount,
            "invoice_reference": award.invoice_reference,
            "recipient_orgnr": format_orgnr(orgnr),
        }
    elif target == AwardState.PAID:
        require_second_pair_of_eyes(award.stage.competition, award.payment_approved_by_id, actor)
        award.paid_at = moment
        award.paid_by_id = actor.user.id
        details = {"amount": award.amount, "invoice_reference": award.invoice_reference}
    award.state = target
    db.session.flush()
    record(
        actor,
        f"awards.award_{target.value}",
        award,
        competition=award.stage.competition,
        before={"state": source},
        after={"state": target, "organisation": award.organisation.name, **details},
    )
    return award


def set_due_date(award: StageAward, actor: Actor, due: datetime) -> StageAward:
    """Set the deliverable's due date on the award (instead of the next stage's deadline)."""
    if award.state not in (AwardState.AWARDED, AwardState.AGREEMENT_SIGNED):
        raise DomainError(_l("The deliverable has already been received."), code="delivered")
    before = award.due_at
    award.due_at = due
    db.session.flush()
    record(
        actor,
        "awards.award_due_date",
        award,
        competition=award.stage.competition,
        before={"due_at": before},
        after={"due_at": due},
    )
    return award
