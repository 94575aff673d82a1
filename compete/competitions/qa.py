"""Following a call and its questions and answers (R12, R14). Only flush; the request commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from compete.accounts.models import Organisation, User
from compete.audit.services import Actor, record
from compete.competitions.models import Competition, Follower, Question
from compete.competitions.states import CompetitionState
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.notifications.recipients import participants_of
from compete.notifications.services import queue_email


def follow(competition: Competition, user: User, organisation: Organisation | None) -> Follower:
    """Register interest: the user receives every amendment and published answer."""
    existing = db.session.scalars(
        select(Follower).where(Follower.competition_id == competition.id, Follower.user_id == user.id)
    ).first()
    if existing is not None:
        return existing
    follower = Follower(
        competition_id=competition.id, user_id=user.id, organisation_id=getattr(organisation, "id", None)
    )
    db.session.add(follower)
    db.session.flush()
    record(Actor(user, organisation, "participant"), "competition.followed", follower, competition=competition)
    return follower


def unfollow(competition: Competition, user: User, organisation: Organisation | None) -> None:
    existing = db.session.scalars(
        select(Follower).where(Follower.competition_id == competition.id, Follower.user_id == user.id)
    ).first()
    if existing is not None:
        record(Actor(user, organisation, "participant"), "competition.unfollowed", existing, competition=competition)
        db.session.delete(existing)
        db.session.flush()


def question_deadline(competition: Competition, at: datetime) -> datetime | None:
    """The next question deadline still ahead, if any."""
    ahead = [
        s.question_deadline_at for s in competition.stages if s.question_deadline_at and s.question_deadline_at > at
    ]
    return min(ahead) if ahead else None


def ask_question(competition: Competition, user: User, organisation: Organisation, body: str) -> Question:
    """A written question until the published question deadline (R12). The asker follows the call."""
    moment = now()
    if competition.state != CompetitionState.PUBLISHED:
        raise DomainError(_l("This competition does not take questions."), code="state")
    if question_deadline(competition, moment) is None:
        raise DomainError(_l("The question deadline has passed."), code="question_deadline")
    if not body.strip():
        raise DomainError(_l("Write your question."))
    question = Question(
        competition_id=competition.id,
        asker_id=user.id,
        organisation_id=organisation.id,
        body=body.strip(),
        asked_at=moment,
    )
    db.session.add(question)
    db.session.flush()
    record(
        Actor(user, organisation, "participant"),
        "question.asked",
        question,
        competition=competition,
        after={"body": question.body},
    )
    follow(competition, user, organisation)
    return question


def publish_answer(question: Question, actor: Actor, *, answer: str, public_body: str) -> None:
    """Publish question (asker anonymised) and answer to everyone at once and notify every
    follower and every member of a participating organisation (R12). There is no private answer (R14)."""
    competition = question.competition
    if question.published_at is not None:
        raise DomainError(_l("This answer is already published."), code="published")
    if not answer.strip() or not public_body.strip():
        raise DomainError(_l("Both the question as published and the answer are needed."))
    question.answer = answer.strip()
    question.public_body = public_body.strip()
    question.answered_by_id = getattr(actor.user, "id", None)
    question.published_at = now()
    db.session.flush()
    record(
        actor,
        "question.answered",
        question,
        competition=competition,
        after={"question": question.public_body, "answer": question.answer},
    )
    for person in participants_of(competition.id):
        queue_email(
            "competitions/answer_published",
            to=person.email,
            language=person.language,
            recipient=person,
            competition=competition,
            question=question,
        )
