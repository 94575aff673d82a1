"""Complaints against a decision during the standstill, and the officer's response (R33)."""

from __future__ import annotations

from sqlalchemy import select

from compete.accounts.models import Organisation, User
from compete.audit.services import Actor, record
from compete.awards.models import Complaint, Decision
from compete.competitions.queries import officers_of
from compete.core.errors import DomainError
from compete.core.formatting import format_datetime
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.notifications.services import queue_email
from compete.submissions.models import Submission, SubmissionStatus


def took_part(decision: Decision, organisation: Organisation | None) -> bool:
    """The organisation had a submitted (not withdrawn) entry in the decided stage."""
    if organisation is None:
        return False
    return (
        db.session.scalar(
            select(Submission.id).where(
                Submission.stage_id == decision.stage_id,
                Submission.organisation_id == organisation.id,
                Submission.status == SubmissionStatus.SUBMITTED,
            )
        )
        is not None
    )


def register_complaint(
    decision: Decision, user: User, organisation: Organisation, text: str, locale: str | None = None
) -> Complaint:
    """Register a participant's complaint while the standstill runs; refused before the notices and
    after the standstill has ended (the message names the end)."""
    text = (text or "").strip()
    if not took_part(decision, organisation):
        raise DomainError(
            _l("Only participants of this stage can complain about its decision."), code="not_participant"
        )
    if decision.notices_sent_at is None or decision.standstill_ends_at is None:
        raise DomainError(_l("The decision has not been notified yet."), code="not_notified")
    if now() > decision.standstill_ends_at:
        raise DomainError(
            _l(
                "The standstill period ended %(end)s. Complaints can no longer be registered here.",
                end=format_datetime(decision.standstill_ends_at, locale),
            ),
            code="standstill_over",
        )
    if not text:
        raise DomainError(_l("Write what the complaint is about."), code="text")
    complaint = Complaint(
        decision=decision,
        organisation_id=organisation.id,
        submitted_by_id=user.id,
        received_at=now(),
        text=text,
    )
    db.session.add(complaint)
    db.session.flush()
    record(
        Actor(user, organisation, "participant"),
        "awards.complaint_registered",
        complaint,
        competition=decision.stage.competition,
        after={"stage": decision.stage.position, "text": text},
    )
    competition = decision.stage.competition
    for officer in officers_of(competition):  # the agreement step is blocked until they answer (R33)
        queue_email(
            "awards/complaint_received",
            to=officer.email,
            language=officer.language,
            recipient=officer,
            competition=competition,
            complaint=complaint,
            stage=decision.stage,
            organisation=organisation,
        )
    return complaint


def respond(complaint: Complaint, actor: Actor, response: str) -> Complaint:
    """Record the officer's response; it is sent to the complainant (a logged decision message, R14)."""
    response = (response or "").strip()
    if complaint.responded_at is not None:
        raise DomainError(_l("This complaint has already been answered."), code="answered")
    if not response:
        raise DomainError(_l("Write the response to the complaint."), code="response")
    complaint.response = response
    complaint.responded_at = now()
    complaint.responded_by_id = actor.user.id
    db.session.flush()
    competition = complaint.decision.stage.competition
    record(actor, "awards.complaint_answered", complaint, competition=competition, after={"response": response})
    if complaint.submitted_by is not None:
        queue_email(
            "awards/complaint_response",
            to=complaint.submitted_by.email,
            language=complaint.submitted_by.language,
            recipient=complaint.submitted_by,
            competition=competition,
            complaint=complaint,
            stage=complaint.decision.stage,
        )
    return complaint
