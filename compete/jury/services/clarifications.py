"""Clarification questions from the jury to a participant, always through the functionary (R26):
the juror asks about an entry by its code, the functionary forwards the question without the
juror's name (or declines with a reason), the participant answers, and the functionary relays the
answer to the jury without the participant's name. Every step is minuted, audited and e-mailed
through the outbox. Services flush only."""

from __future__ import annotations

from sqlalchemy import select

from compete.accounts.models import Membership, Organisation, User
from compete.audit.services import Actor, record
from compete.competitions.models import CompetitionStaff
from compete.competitions.states import StageState
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.jury import queries
from compete.jury.models import Clarification, JurySeat
from compete.jury.services.impartiality import can_see
from compete.jury.services.seats import _juror, is_functionary
from compete.jury.states import CLARIFICATION_TRANSITIONS, ClarificationStatus
from compete.notifications.services import queue_email
from compete.submissions.models import Submission

OPEN_STATES = (StageState.FORMAL_CHECK, StageState.JURY_SCORING)


def _text(value: str, message) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(message, code="text")
    return text


def _move(clarification: Clarification, to: ClarificationStatus, role: str) -> None:
    allowed = CLARIFICATION_TRANSITIONS.get((clarification.status, to))
    if allowed != role:
        raise DomainError(_l("This question has already been handled."), code="state")
    if clarification.stage.state not in OPEN_STATES:
        raise DomainError(_l("The ranking is locked; clarifications are closed."), code="locked")
    clarification.status = to


def functionaries(stage) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(CompetitionStaff, CompetitionStaff.user_id == User.id)
            .where(CompetitionStaff.competition_id == stage.competition_id, CompetitionStaff.role == "functionary")
            .order_by(User.id)
        )
    )


def _mail(kind: str, users, clarification: Clarification, **context) -> None:
    for user in users:
        queue_email(
            f"jury/{kind}",
            to=user.email,
            language=user.language,
            recipient=user,
            competition=clarification.stage.competition,
            clarification=clarification,
            stage=clarification.stage,
            code=clarification.submission.code,
            **context,
        )


def _check_functionary(clarification: Clarification, user: User) -> Actor:
    if not is_functionary(user, clarification.stage):
        raise DomainError(_l("Only the competition's functionary handles clarification questions."), code="role")
    return Actor(user, None, "functionary")


def ask(seat: JurySeat, submission: Submission, question: str) -> Clarification:
    """A juror asks a question about an entry they may see; it goes to the functionary."""
    stage = seat.stage
    if stage.state not in OPEN_STATES:
        raise DomainError(_l("Clarification questions can be asked until the ranking is locked."), code="locked")
    if not can_see(seat, submission):
        raise DomainError(_l("You cannot ask about this entry."), code="forbidden")
    text = _text(question, _l("Write the question."))
    staff = functionaries(stage)
    if not staff:
        raise DomainError(
            _l("The competition has no functionary yet. Ask the procurement officer to appoint one."),
            code="no_functionary",
        )
    clarification = Clarification(
        stage=stage,
        submission=submission,
        seat=seat,
        status=ClarificationStatus.ASKED,
        question=text,
        asked_at=now(),
    )
    db.session.add(clarification)
    db.session.flush()
    record(
        _juror(seat),
        "jury.clarification_asked",
        clarification,
        competition=stage.competition,
        after={"entry": submission.code, "question": text},
    )
    _mail("clarification_asked", staff, clarification)
    return clarification


def forward(clarification: Clarification, user: User, question: str) -> None:
    """The functionary sends the question, worded so that it does not reveal the juror, to the
    members of the entry's organisation."""
    actor = _check_functionary(clarification, user)
    text = _text(question, _l("Write the question as the participant will see it."))
    _move(clarification, ClarificationStatus.FORWARDED, "functionary")
    clarification.forwarded_question = text
    clarification.forwarded_by_id = user.id
    clarification.forwarded_at = now()
    db.session.flush()
    record(
        actor,
        "jury.clarification_forwarded",
        clarification,
        competition=clarification.stage.competition,
        after={"entry": clarification.submission.code, "question": text},
    )
    _mail("clarification_forwarded", members(clarification.submission.organisation), clarification)


def decline(clarification: Clarification, user: User, reason: str) -> None:
    """The functionary declines the question with a reason; the juror who asked is told."""
    actor = _check_functionary(clarification, user)
    text = _text(reason, _l("Give a reason for declining."))
    _move(clarification, ClarificationStatus.DECLINED, "functionary")
    clarification.decline_reason = text
    clarification.declined_by_id = user.id
    clarification.declined_at = now()
    db.session.flush()
    record(
        actor,
        "jury.clarification_declined",
        clarification,
        competition=clarification.stage.competition,
        after={"entry": clarification.submission.code, "reason": text},
    )
    _mail("clarification_declined", [clarification.seat.user], clarification)


def respond(clarification: Clarification, user: User, answer: str) -> None:
    """A member of the entry's organisation answers; the answer goes to the functionary."""
    organisation = clarification.submission.organisation
    if user not in members(organisation):
        raise DomainError(_l("Only the participant can answer this question."), code="role")
    text = _text(answer, _l("Write the answer."))
    _move(clarification, ClarificationStatus.ANSWERED, "participant")
    clarification.answer = text
    clarification.answered_by_id = user.id
    clarification.answered_at = now()
    db.session.flush()
    record(
        Actor(user, organisation, "participant"),
        "jury.clarification_answered",
        clarification,
        competition=clarification.stage.competition,
        after={"entry": clarification.submission.code, "answer": text},
    )
    _mail("clarification_answered", functionaries(clarification.stage), clarification)


def relay(clarification: Clarification, user: User, answer: str) -> None:
    """The functionary passes the answer, worded so that it does not reveal the participant, to
    every juror of the stage who may see the entry (never a conflicted one, R22)."""
    actor = _check_functionary(clarification, user)
    text = _text(answer, _l("Write the answer as the jury will see it."))
    _move(clarification, ClarificationStatus.RELAYED, "functionary")
    clarification.relayed_answer = text
    clarification.relayed_by_id = user.id
    clarification.relayed_at = now()
    db.session.flush()
    record(
        actor,
        "jury.clarification_relayed",
        clarification,
        competition=clarification.stage.competition,
        after={"entry": clarification.submission.code, "answer": text},
    )
    jurors = [s.user for s in queries.active_seats(clarification.stage) if can_see(s, clarification.submission)]
    _mail("clarification_relayed", jurors, clarification)


def members(organisation: Organisation) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == organisation.id)
            .order_by(User.id)
        )
    )
