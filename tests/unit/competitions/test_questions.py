"""Questions and answers (R12, R14) at the service level."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from compete.competitions import qa, queries
from compete.core.errors import DomainError
from compete.extensions import db
from compete.notifications.models import OutboxMessage
from tests.factories_competitions import follow, make_question, make_setup


def test_r12_questions_until_the_question_deadline(app, clock):
    clock.set(datetime(2026, 4, 1, 10, 0, tzinfo=UTC))
    s = make_setup()
    deadline = s.competition.stages[0].question_deadline_at
    clock.set(deadline - timedelta(minutes=1))
    question = make_question(s.competition, s.participant, s.participant_org, "May two firms apply together?")
    assert (question.asked_at, question.asker_id, question.organisation_id) == (
        deadline - timedelta(minutes=1),
        s.participant.id,
        s.participant_org.id,
    )
    clock.set(deadline)
    with pytest.raises(DomainError) as refused:
        make_question(s.competition, s.participant, s.participant_org)
    assert str(refused.value) == "The question deadline has passed."


def test_r12_answer_is_published_to_all_followers_at_once(app, clock):
    clock.set(datetime(2026, 4, 1, 10, 0, tzinfo=UTC))
    s = make_setup()
    follow(s.competition, s.other_participant, s.other_participant_org)
    question = make_question(s.competition, s.participant, s.participant_org, "Hei, vi i Firma X lurer på om ...")
    assert queries.published_questions(s.competition) == []
    clock.advance(timedelta(hours=2))
    qa.publish_answer(question, s.actor, answer="Yes.", public_body="May two firms apply together?")
    assert queries.published_questions(s.competition) == [question]
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "competitions/answer_published").order_by(OutboxMessage.id)
    ).all()
    # The other participant followed; the asker follows by asking. Recipients come in account order.
    assert [(m.recipient_email, m.created_at) for m in messages] == [
        (s.participant.email, clock.now()),
        (s.other_participant.email, clock.now()),
    ]
    assert len({m.body_text for m in messages if m.language == "nb"}) == 1
    assert "Firma X" not in messages[0].body_text
    with pytest.raises(DomainError):
        qa.publish_answer(question, s.actor, answer="Again", public_body="Again")


def test_r14_no_answer_without_publishing_it_to_everyone(app, clock):
    clock.set(datetime(2026, 4, 1, 10, 0, tzinfo=UTC))
    s = make_setup()
    question = make_question(s.competition, s.participant, s.participant_org)
    with pytest.raises(DomainError) as refused:
        qa.publish_answer(question, s.actor, answer="  ", public_body="Q")
    assert str(refused.value) == "Both the question as published and the answer are needed."
    # The only way to answer is publish_answer, which always publishes.
    from compete.competitions import services

    answering = [name for module in (qa, services) for name in dir(module) if "answer" in name]
    assert answering == ["publish_answer"]
