"""Clarification questions through the functionary (R26): minutes, e-mails, anonymity both ways."""

import pytest
from sqlalchemy import select

from compete.audit.models import AuditEntry
from compete.competitions.states import StageState
from compete.core.errors import DomainError
from compete.extensions import db
from compete.jury import services
from compete.jury.models import Answer
from compete.jury.states import CLARIFICATION_TRANSITIONS, ClarificationStatus
from compete.notifications.models import OutboxMessage
from tests.factories_jury import clarification_through, declare_all_clear, make_jury_stage


@pytest.fixture
def jury(app):
    setup, officer, entries, seats = make_jury_stage(entries=2, jurors=3)
    declare_all_clear(seats[0], entries)
    declare_all_clear(seats[1], entries, {entries[0].id: (Answer.CONFLICT, "Eier")})
    declare_all_clear(seats[2], entries)
    return setup, officer, entries, seats


def _mail(kind):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == f"jury/{kind}")).all()


def test_the_whole_path_is_minuted_mailed_and_audited(jury, clock):
    setup, _officer, entries, seats = jury
    clock.set(clock.now())

    item = clarification_through(seats[0], entries[0], setup.functionary, setup.user)

    assert item.status == ClarificationStatus.RELAYED
    assert (item.forwarded_question, item.answer, item.relayed_answer) == (
        "Hvor mange unge kan løsningen ta imot per år?",
        "Rundt 40 unge per år.",
        "Rundt 40 unge per år.",
    )
    assert None not in (item.asked_at, item.forwarded_at, item.answered_at, item.relayed_at)
    assert [m.recipient_email for m in _mail("clarification_asked")] == [setup.functionary.email]
    forwarded = _mail("clarification_forwarded")
    assert [m.recipient_email for m in forwarded] == [setup.user.email]
    assert seats[0].user.name not in forwarded[0].body_text and seats[0].user.email not in forwarded[0].body_text
    assert [m.recipient_email for m in _mail("clarification_answered")] == [setup.functionary.email]
    relayed = _mail("clarification_relayed")
    # Everyone who may see the entry, never the conflicted juror (R22).
    assert sorted(m.recipient_email for m in relayed) == sorted([seats[0].user.email, seats[2].user.email])
    assert setup.organisation.name not in relayed[0].body_text
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("jury.clarification_%")).order_by(AuditEntry.seq)
    ).all()
    assert actions == [
        "jury.clarification_asked",
        "jury.clarification_forwarded",
        "jury.clarification_answered",
        "jury.clarification_relayed",
    ]


def test_declined_with_a_reason_tells_the_juror(jury):
    setup, _officer, entries, seats = jury
    item = services.ask(seats[0], entries[1], "Hvem står bak?")

    with pytest.raises(DomainError) as excinfo:
        services.decline(item, setup.functionary, " ")
    assert excinfo.value.code == "text"
    services.decline(item, setup.functionary, "Spørsmålet ber om identitet.")

    assert item.status == ClarificationStatus.DECLINED
    assert [m.recipient_email for m in _mail("clarification_declined")] == [seats[0].user.email]
    with pytest.raises(DomainError) as excinfo:
        services.forward(item, setup.functionary, "Likevel")
    assert excinfo.value.code == "state"


def test_only_the_right_people_act(jury):
    setup, _officer, entries, seats = jury
    with pytest.raises(DomainError) as excinfo:
        services.ask(seats[1], entries[0], "Spørsmål")  # conflicted
    assert excinfo.value.code == "forbidden"
    item = services.ask(seats[0], entries[0], "Spørsmål")
    with pytest.raises(DomainError) as excinfo:
        services.forward(item, setup.officer, "Spørsmål")  # an officer is not the functionary
    assert excinfo.value.code == "role"
    services.forward(item, setup.functionary, "Spørsmål")
    with pytest.raises(DomainError) as excinfo:
        services.respond(item, seats[0].user, "Svar")  # a juror is not the participant
    assert excinfo.value.code == "role"
    with pytest.raises(DomainError) as excinfo:
        services.relay(item, setup.functionary, "Svar")  # nothing to relay yet
    assert excinfo.value.code == "state"


def test_no_questions_after_the_ranking_locks(jury):
    _setup, _officer, entries, seats = jury
    seats[0].stage.state = StageState.RANKING_LOCKED
    with pytest.raises(DomainError) as excinfo:
        services.ask(seats[0], entries[0], "Spørsmål")
    assert excinfo.value.code == "locked"


def test_the_transition_table_has_only_the_functionary_between_jury_and_participant():
    assert CLARIFICATION_TRANSITIONS == {
        (ClarificationStatus.ASKED, ClarificationStatus.FORWARDED): "functionary",
        (ClarificationStatus.ASKED, ClarificationStatus.DECLINED): "functionary",
        (ClarificationStatus.FORWARDED, ClarificationStatus.ANSWERED): "participant",
        (ClarificationStatus.ANSWERED, ClarificationStatus.RELAYED): "functionary",
    }
