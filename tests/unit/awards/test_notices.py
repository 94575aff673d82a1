"""Letters, sending at one moment, the standstill and complaints with a frozen clock (R31–R33, R38)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from compete.awards import services
from compete.awards.gate import agreement_blocked
from compete.awards.models import Notice
from compete.core.errors import DomainError
from compete.core.time import frozen_at, now
from compete.extensions import db
from compete.notifications.models import OutboxMessage
from compete.submissions import services as submission_services
from compete.submissions.models import SubmissionStatus
from tests.factories import make_participant
from tests.factories_awards import decide, decide_and_notify, make_ranked_stage, run_final_stage


def test_standstill_ends_at_the_end_of_the_oslo_day_in_calendar_days():
    # Sent 2 March 2026 14:00 Oslo (13:00 UTC), 10 days -> 12 March 23:59:59 Oslo (22:59:59 UTC).
    assert services.standstill_end(datetime(2026, 3, 2, 13, 0, tzinfo=UTC), 10) == datetime(
        2026, 3, 12, 22, 59, 59, tzinfo=UTC
    )
    # Across the change to summer time (29 March 2026): the end is still 23:59:59 Oslo, now UTC+2.
    assert services.standstill_end(datetime(2026, 3, 25, 9, 0, tzinfo=UTC), 10) == datetime(
        2026, 4, 4, 21, 59, 59, tzinfo=UTC
    )
    # Late evening UTC is already the next day in Oslo.
    assert services.standstill_end(datetime(2026, 1, 5, 23, 30, tzinfo=UTC), 0) == datetime(
        2026, 1, 6, 22, 59, 59, tzinfo=UTC
    )


def test_one_letter_per_participant_with_reasons_scores_and_the_selected(app):
    world = make_ranked_stage(entries=4)
    decision = decide(world)
    letters = {s.id: letter for s, letter in services.build_letters(decision)}
    assert set(letters) == {e.id for e in world.entries}
    first, last = letters[world.entries[0].id], letters[world.entries[3].id]
    assert (first["outcome"], first["rank"], first["ranked_count"], first["total"]) == ("selected", 1, 4, 9.0)
    assert (last["outcome"], last["rank"], last["total"]) == ("not_selected", 4, 6.0)
    assert [c["mean"] for c in last["criteria"]] == [6.0, 6.0, 6.0, 6.0]
    assert [(c["name"], c["weight"]) for c in last["criteria"]] == [
        ("Relevance to the need", 30),
        ("User benefit", 30),
        ("Feasibility", 25),
        ("Team", 15),
    ]
    assert last["remark"] == f"Merknad om {world.entries[3].code}: tydelig behov, svakere plan."
    assert [s["name"] for s in last["selected"]] == [e.organisation.name for e in world.entries[:3]]
    assert last["amount"] == 50_000


def test_sending_queues_every_letter_at_one_moment_and_starts_the_standstill(app, clock):
    moment = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)
    world = make_ranked_stage(entries=5)
    decision = decide(world)
    withdrawn = world.entries[4]
    withdrawn.status = SubmissionStatus.WITHDRAWN  # a withdrawn entry is no longer a participant
    clock.set(moment)
    notices = services.send_notices(decision, world.officer)
    assert decision.notices_sent_at == moment
    assert decision.standstill_ends_at == datetime(2026, 3, 12, 22, 59, 59, tzinfo=UTC)
    assert len(notices) == 4
    assert {n.queued_at for n in notices} == {moment}
    messages = {m.id: m for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "awards/notice"))}
    assert sorted(messages) == sorted(n.outbox_message_id for n in notices)
    assert {m.recipient_email for m in messages.values()} == {e.created_by.email for e in world.entries[:4]}
    assert [n.outcome for n in sorted(notices, key=lambda n: n.letter["rank"])] == ["selected"] * 3 + ["not_selected"]
    with pytest.raises(DomainError) as again:
        services.send_notices(decision, world.officer)
    assert again.value.code == "sent"
    assert withdrawn.organisation_id not in {n.organisation_id for n in notices}


def test_letter_language_follows_the_recipient(app):
    world = make_ranked_stage(entries=3)
    world.entries[1].created_by.language = "nn"
    world.entries[2].created_by.language = "en"
    decision = decide_and_notify(world)
    notices = {n.submission_id: n for n in db.session.scalars(select(Notice).where(Notice.decision_id == decision.id))}
    assert [notices[e.id].language for e in world.entries] == ["nb", "nn", "en"]
    subjects = [db.session.get(OutboxMessage, notices[e.id].outbox_message_id).subject for e in world.entries]
    assert subjects[0].startswith("Tildelingsbeslutning")
    assert subjects[2].startswith("Award decision")


def test_gate_blocks_until_standstill_ends_and_complaints_are_answered(app, clock):
    world = make_ranked_stage(entries=4)
    decision = decide(world)
    assert "notices" in agreement_blocked(world.stage, "en")
    clock.set(datetime(2026, 3, 2, 13, 0, tzinfo=UTC))
    services.send_notices(decision, world.officer)
    assert "standstill" in agreement_blocked(world.stage, "en")
    loser = world.entries[3]
    clock.set(datetime(2026, 3, 12, 22, 59, 59, tzinfo=UTC))  # the last second of the standstill
    complaint = services.register_complaint(decision, loser.created_by, loser.organisation, "Feil vurdering.")
    alert = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "awards/complaint_received")).one()
    officer = getattr(world.officer, "user", world.officer)
    assert alert.recipient_email == officer.email  # the officers learn at once that the gate is blocked
    assert alert.subject.startswith("Klage mottatt: ") and loser.organisation.name in alert.body_text
    clock.set(datetime(2026, 3, 12, 23, 0, tzinfo=UTC))
    assert "complaint" in agreement_blocked(world.stage, "en")
    with pytest.raises(DomainError) as late:
        services.register_complaint(decision, loser.created_by, loser.organisation, "En til.")
    assert late.value.code == "standstill_over"
    assert "12.03.2026 kl.\u00a023.59" in str(late.value.message)
    services.respond(complaint, world.officer, "Vurderingen står seg; se begrunnelsen.")
    assert agreement_blocked(world.stage, "en") is None
    reply = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "awards/complaint_response")).one()
    assert reply.recipient_email == loser.created_by.email
    with pytest.raises(DomainError):
        services.respond(complaint, world.officer, "Igjen")


def test_only_participants_complain_and_only_after_notices(app):
    world = make_ranked_stage(entries=2)
    decision = decide(world, 2, fewer_reason="Bare to søkere.")
    entry = world.entries[1]
    with pytest.raises(DomainError) as early:
        services.register_complaint(decision, entry.created_by, entry.organisation, "Tidlig")
    assert early.value.code == "not_notified"
    services.send_notices(decision, world.officer)
    outsider, outsider_org = make_participant()
    with pytest.raises(DomainError) as stranger:
        services.register_complaint(decision, outsider, outsider_org, "Jeg var ikke med")
    assert stranger.value.code == "not_participant"
    with pytest.raises(DomainError) as empty:
        services.register_complaint(decision, entry.created_by, entry.organisation, "   ")
    assert empty.value.code == "text"


def test_not_selected_lose_write_access_to_the_next_stage_and_keep_their_records(app):
    world = make_ranked_stage(entries=4)
    decide_and_notify(world)
    stage2 = world.competition.stages[1]
    loser, winner = world.entries[3], world.entries[0]
    with frozen_at(stage2.opens_at + timedelta(days=1)):
        with pytest.raises(DomainError) as refused:
            submission_services.start_submission(stage2, loser.created_by, loser.organisation, "")
        assert refused.value.code == "not_selected"
        assert submission_services.start_submission(stage2, winner.created_by, winner.organisation, "").id
    db.session.expire_all()
    assert loser.status == "submitted" and loser.current_version is not None


def test_final_stage_letters_say_winner_and_project_ends(app):
    world = make_ranked_stage(entries=4)
    decision = decide_and_notify(world)
    stage2, entries = run_final_stage(world, decision)
    final = services.record_decision(stage2, world.officer, [entries[0].id])
    assert final.is_final is True
    notices = services.send_notices(final, world.officer)
    outcomes = sorted((n.letter["rank"], n.outcome) for n in notices)
    assert outcomes == [(1, "winner"), (2, "project_ends"), (3, "project_ends")]
    assert {n.letter["amount"] for n in notices} == {450_000}
    assert final.standstill_ends_at > now()
