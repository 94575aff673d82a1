"""Notices reach every participant (R4, R12, R31, R35): followers, and every member of every
organisation that has started an entry, each once and in their own language."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from compete.accounts.models import MemberRole, Membership
from compete.audit.models import AuditEntry
from compete.awards import services as award_services
from compete.competitions import qa
from compete.competitions import services as competition_services
from compete.extensions import db
from compete.notifications.models import OutboxMessage
from compete.notifications.recipients import participants_of
from compete.submissions import services as submission_services
from tests.factories import make_org, make_user
from tests.factories_awards import decide, make_ranked_stage
from tests.factories_competitions import follow
from tests.factories_submissions import make_setup, make_submitted

MOMENT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _world():
    """An entrant organisation with three members (one closed account), one with a draft only, one
    that withdrew, a follower who is also a member, a follower of nothing else, and bystanders."""
    s = make_setup()
    colleague = make_user("kollega@example.test", language="nn")
    closed = make_user("stengt@example.test")
    closed.is_active_account = False
    db.session.add_all(
        [
            Membership(user=colleague, organisation=s.organisation, role=MemberRole.MEMBER),
            Membership(user=closed, organisation=s.organisation, role=MemberRole.MEMBER),
        ]
    )
    make_submitted(s)
    drafter = make_user("utkast@example.test", language="en")
    draft_org = make_org(owner=drafter)
    submission_services.start_submission(s.stage, drafter, draft_org, "")
    leaver = make_user("trakk@example.test")
    leaver_org = make_org(owner=leaver)
    withdrawn = make_submitted(s, user=leaver, organisation=leaver_org)
    submission_services.withdraw(withdrawn, leaver)
    reader = make_user("leser@example.test")
    follow(s.competition, reader, None)
    follow(s.competition, colleague, s.organisation)
    bystander = make_user("utenfor@example.test")
    make_org(owner=bystander)
    other = make_setup()
    make_submitted(other)
    db.session.flush()
    expected = [s.user, colleague, drafter, leaver, reader]
    return s, expected


def test_recipients_are_members_of_entrant_organisations_and_followers_each_once(app, clock):
    clock.set(MOMENT)
    s, expected = _world()
    assert [u.email for u in participants_of(s.competition.id)] == [u.email for u in expected]


def test_recipient_query_is_one_query_whatever_the_number_of_participants(app, clock, count_queries):
    clock.set(MOMENT)
    s = make_setup()
    make_submitted(s)
    db.session.flush()
    with count_queries() as one:
        assert len(participants_of(s.competition.id)) == 1
    for n in range(19):
        user = make_user(f"deltaker{n}@example.test")
        make_submitted(s, user=user, organisation=make_org(owner=user))
    db.session.flush()
    with count_queries() as twenty:
        assert len(participants_of(s.competition.id)) == 20
    assert (one.count, twenty.count) == (1, 1)


def _queued(kind: str) -> list[tuple[str, str]]:
    return [
        (m.recipient_email, m.language)
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))
    ]


def _expected(users) -> list[tuple[str, str]]:
    return [(u.email, u.language) for u in users]


def test_amendment_reaches_every_participant_not_only_followers(app, clock):
    clock.set(MOMENT)
    s, expected = _world()
    s.competition.background = s.competition.background + " Endret."
    competition_services.amend(s.competition, _officer(s), "Presisert bakgrunn.")
    assert _queued("competitions/amended") == _expected(expected)


def test_published_answer_reaches_every_participant(app, clock):
    clock.set(MOMENT)
    s, expected = _world()
    question = qa.ask_question(s.competition, s.user, s.organisation, "Kan vi søke sammen?")
    clock.advance(timedelta(hours=1))
    qa.publish_answer(question, _officer(s), answer="Ja.", public_body="Kan to søke sammen?")
    assert _queued("competitions/answer_published") == _expected(expected)


def test_cancellation_reaches_every_participant(app, clock):
    clock.set(MOMENT)
    s, expected = _world()
    competition_services.cancel(s.competition, _officer(s), "Behovet er falt bort.")
    assert _queued("competitions/cancelled") == _expected(expected)


def test_decision_letter_goes_to_every_member_of_the_organisation(app, clock):
    world = make_ranked_stage(entries=3)
    first = world.entries[0]
    colleague = make_user("kollega@example.test", language="en")
    db.session.add(Membership(user=colleague, organisation=first.organisation, role=MemberRole.MEMBER))
    db.session.flush()
    clock.set(MOMENT)
    notices = award_services.send_notices(decide(world), world.officer)
    assert len(notices) == 3
    assert sorted(_queued("awards/notice")) == sorted(
        [
            (first.created_by.email, "nb"),
            (colleague.email, "en"),
            (world.entries[1].created_by.email, "nb"),
            (world.entries[2].created_by.email, "nb"),
        ]
    )
    queued = db.session.scalars(
        select(AuditEntry.after).where(AuditEntry.action == "awards.notice_queued").order_by(AuditEntry.id)
    ).all()
    assert sorted(a["to"] for a in queued) == sorted(e for e, _ in _queued("awards/notice"))


def _officer(s):
    from compete.audit.services import Actor

    return Actor(s.officer, s.buyer, "officer")
