"""Questions and answers through the HTTP layer (R12, R14)."""

import csv
import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from compete.competitions import queries
from compete.extensions import db
from compete.notifications.models import OutboxMessage
from tests.factories_competitions import follow, make_setup
from tests.factories_competitions import login_as as login

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _setup():
    s = make_setup()
    follow(s.competition, s.other_participant, s.other_participant_org)
    db.session.commit()
    return s


def test_r12_ask_answer_publish_to_everyone_without_the_askers_name(client, clock):
    clock.set(NOW)
    s = _setup()
    slug = s.competition.slug
    login(client, s.participant, s.participant_org)
    response = client.post(
        f"/competitions/{slug}/questions", data={"body": f"We at {s.participant_org.name} ask: may we?"}
    )
    assert response.status_code == 302
    question = queries.all_questions(s.competition)[0]
    assert client.get(f"/competitions/{slug}").get_data(as_text=True).count("may we?") == 0  # not published yet

    login(client, s.officer, s.buyer)
    page = client.get(f"/manage/competitions/{slug}/questions").get_data(as_text=True)
    assert f"by {s.participant.name} ({s.participant_org.name})" in page
    clock.advance(timedelta(hours=1))
    response = client.post(
        f"/manage/competitions/{slug}/questions/{question.id}/answer",
        data={
            f"q{question.id}-public_body": "May two firms apply together?",
            f"q{question.id}-answer": "Yes, as a group.",
        },
    )
    assert response.status_code == 302

    client.get("/")  # any visitor
    html = client.get(f"/competitions/{slug}").get_data(as_text=True)
    assert "May two firms apply together?" in html
    assert "Yes, as a group." in html
    assert s.participant_org.name not in html
    assert s.participant.name not in html
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "competitions/answer_published").order_by(OutboxMessage.id)
    ).all()
    assert [(m.recipient_email, m.created_at) for m in mails] == [
        (s.participant.email, NOW + timedelta(hours=1)),
        (s.other_participant.email, NOW + timedelta(hours=1)),
    ]

    response = client.get(f"/manage/competitions/{slug}/questions.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [
        ["id", "asked_at", "organisation", "question", "published_question", "answer", "published_at"],
        [
            str(question.id),
            "2026-03-02T09:00:00Z",
            s.participant_org.name,
            f"We at {s.participant_org.name} ask: may we?",
            "May two firms apply together?",
            "Yes, as a group.",
            "2026-03-02T10:00:00Z",
        ],
    ]


def test_r12_questions_refused_after_the_question_deadline(client, clock):
    clock.set(NOW)
    s = _setup()
    clock.set(s.competition.stages[0].question_deadline_at + timedelta(minutes=1))
    login(client, s.participant, s.participant_org)
    html = client.get(f"/competitions/{s.competition.slug}").get_data(as_text=True)
    assert "The question deadline has passed." in html
    response = client.post(f"/competitions/{s.competition.slug}/questions", data={"body": "Too late?"})
    assert response.status_code == 400
    assert "The question deadline has passed." in response.get_data(as_text=True)
    assert queries.all_questions(s.competition) == []


def test_r14_there_is_no_route_to_answer_one_participant_privately(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("competitions.")]
    answer_rules = sorted(rule.rule for rule in rules if "answer" in rule.rule or "message" in rule.rule)
    assert answer_rules == ["/manage/competitions/<slug>/questions/<int:question_id>/answer"]


def test_r14_the_one_answer_route_always_publishes(client, clock):
    clock.set(NOW)
    s = _setup()
    login(client, s.participant, s.participant_org)
    client.post(f"/competitions/{s.competition.slug}/questions", data={"body": "Q?"})
    question = queries.all_questions(s.competition)[0]
    login(client, s.officer, s.buyer)
    client.post(
        f"/manage/competitions/{s.competition.slug}/questions/{question.id}/answer",
        data={f"q{question.id}-public_body": "Q?", f"q{question.id}-answer": "A."},
    )
    db.session.expire_all()
    assert queries.published_questions(s.competition) == [queries.question_of(s.competition, question.id)]


def test_follow_and_unfollow(client, clock):
    clock.set(NOW)
    s = _setup()
    login(client, s.participant, s.participant_org)
    assert client.post(f"/competitions/{s.competition.slug}/follow").status_code == 302
    assert queries.is_following(s.competition, s.participant) is True
    assert "Stop following" in client.get(f"/competitions/{s.competition.slug}").get_data(as_text=True)
    assert client.post(f"/competitions/{s.competition.slug}/unfollow").status_code == 302
    assert queries.is_following(s.competition, s.participant) is False
