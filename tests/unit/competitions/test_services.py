"""Authoring, publication and amendments at the service level (R1–R5, R7, R35), co-owners and cloning."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from compete.audit.models import AuditEntry
from compete.audit.services import Actor
from compete.competitions import permissions, queries, services
from compete.competitions.models import CallVersion, Competition, Question
from compete.competitions.snapshot import check_call
from compete.competitions.states import CompetitionState, StageKind
from compete.core.errors import DomainError
from compete.extensions import db
from compete.notifications.models import OutboxMessage
from tests.factories import make_officer, make_org, make_participant
from tests.factories_competitions import follow, make_question

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _messages(kind):
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def _draft(clock):
    clock.set(NOW)
    buyer = make_org(buyer=True)
    officer = make_officer(buyer)
    actor = Actor(officer, buyer, "officer")
    competition = services.create_competition(actor, buyer, title="Unge i arbeid", slug="unge-i-arbeid")
    return competition, actor


def _fill(competition, actor, *, budget=600_000):
    services.update_settings(
        competition,
        actor,
        {
            "background": "Young people need work.",
            "budget": budget,
            "jury_binding": False,
            "follow_on_contract": True,
            "ipr_terms": "The participant keeps the rights.",
        },
    )
    services.save_eligibility(
        competition,
        actor,
        [{"name": "Start-up", "definition": "Registered < 5 years ago.", "self_check_question": "Are you?"}],
    )
    for name, kind, advancing, award, start in (
        ("Idéskisse", StageKind.IDEA_SKETCH, 3, 50_000, 1),
        ("Videreutvikling", StageKind.FURTHER_DEVELOPMENT, 1, 450_000, 40),
    ):
        stage = services.save_stage(
            competition,
            actor,
            None,
            {
                "name": name,
                "kind": kind,
                "opens_at": NOW + timedelta(days=start),
                "deadline_at": NOW + timedelta(days=start + 30),
                "question_deadline_at": NOW + timedelta(days=start + 25),
                "advancing_count": advancing,
                "award_amount": award,
            },
        )
        services.save_criteria(
            stage,
            actor,
            [
                {
                    "name": "Relevance",
                    "description": "",
                    "weight": 60,
                    "scale_min": 0,
                    "scale_max": 10,
                    "descriptors": {"0": "None", "10": "Full"},
                },
                {"name": "Team", "description": "", "weight": 40, "scale_min": 0, "scale_max": 10, "descriptors": {}},
            ],
            tie_break_rule="highest_first_criterion",
        )


def test_r1_blank_draft_names_every_missing_item(app, clock):
    competition, _ = _draft(clock)
    result = check_call(competition, at=NOW)
    assert [str(e) for e in result.errors] == [
        "Background and need are missing.",
        "The budget is missing.",
        "State whether the jury is binding or advisory.",
        "State whether a follow-on contract may be awarded.",
        "The IPR terms are missing.",
        "Add at least one stage.",
    ]


def test_r1_empty_stage_names_each_missing_stage_item(app, clock):
    competition, actor = _draft(clock)
    services.save_stage(competition, actor, None, {"name": "Idea", "kind": StageKind.IDEA_SKETCH})
    errors = [str(e) for e in check_call(competition, at=NOW).errors]
    assert errors[-7:] == [
        "Stage 1. Idea: the opening time is missing.",
        "Stage 1. Idea: the deadline is missing.",
        "Stage 1. Idea: the question deadline is missing.",
        "Stage 1. Idea: the number advancing is missing.",
        "Stage 1. Idea: the payment per advancing participant is missing.",
        "Stage 1. Idea: no criteria.",
        "Stage 1. Idea: choose a tie-break rule.",
    ]


def test_r1_publish_refused_with_details_then_allowed(app, clock):
    competition, actor = _draft(clock)
    with pytest.raises(DomainError) as refused:
        services.publish(competition, actor)
    assert len(refused.value.details) == 6
    _fill(competition, actor)
    version = services.publish(competition, actor)
    assert (competition.state, version.number, version.change_note) == (CompetitionState.PUBLISHED, 1, "")
    assert version.snapshot["stages"][0]["criteria"][0] == {
        "name": "Relevance",
        "description": "",
        "weight": 60,
        "scale_min": 0,
        "scale_max": 10,
        "descriptors": {"0": "None", "10": "Full"},
    }
    assert version.published_at == NOW
    assert version.organisation_id == actor.organisation.id


def test_r2_payments_may_not_exceed_budget(app, clock):
    competition, actor = _draft(clock)
    _fill(competition, actor, budget=599_999)
    errors = [str(e) for e in check_call(competition, at=NOW).errors]
    assert errors == ["Stage payments (600000 kr) exceed the budget (599999 kr)."]


def test_r3_weights_must_total_100(app, clock):
    competition, actor = _draft(clock)
    _fill(competition, actor)
    stage = competition.stages[0]
    services.save_criteria(
        stage,
        actor,
        [{"name": "Relevance", "description": "", "weight": 70, "scale_min": 0, "scale_max": 10, "descriptors": {}}],
        tie_break_rule="lot",
    )
    assert [str(e) for e in check_call(competition, at=NOW).errors] == [
        "Stage 1. Idéskisse: the weights total 70 %, not 100 %."
    ]


def test_r3_criteria_fixed_after_the_deadline(app, clock):
    competition, actor = _draft(clock)
    _fill(competition, actor)
    services.publish(competition, actor)
    clock.set(NOW + timedelta(days=32))  # stage 1 deadline (day 31) has passed
    rows = [{"name": "Relevance", "description": "", "weight": 100, "scale_min": 0, "scale_max": 10, "descriptors": {}}]
    with pytest.raises(DomainError) as refused:
        services.save_criteria(competition.stages[0], actor, rows, tie_break_rule="lot", change_note="Simpler")
    assert str(refused.value) == "The deadline of Idéskisse has passed: its criteria and weights cannot change."
    # Stage 2 is still open for amendment.
    services.save_criteria(competition.stages[1], actor, rows, tie_break_rule="lot", change_note="Simpler")
    assert queries.versions_of(competition)[-1].number == 2


def test_r4_amendment_is_a_new_version_with_note_sent_to_every_follower(app, clock):
    competition, actor = _draft(clock)
    _fill(competition, actor)
    services.publish(competition, actor)
    first, first_org = make_participant()
    second, second_org = make_participant(language="nn")
    follow(competition, first, first_org)
    follow(competition, second, second_org)
    with pytest.raises(DomainError) as refused, db.session.begin_nested():
        services.update_settings(competition, actor, {"budget": 700_000})
    assert str(refused.value) == "An amendment to a published call needs a change note."
    assert competition.budget == 600_000
    clock.set(NOW + timedelta(hours=3))
    services.update_settings(competition, actor, {"budget": 700_000}, change_note="Budget raised.")
    versions = queries.versions_of(competition)
    assert [(v.number, v.change_note, v.snapshot["budget"]) for v in versions] == [
        (1, "", 600_000),
        (2, "Budget raised.", 700_000),
    ]
    mails = _messages("competitions/amended")
    assert [(m.recipient_email, m.language, m.created_at) for m in mails] == [
        (first.email, "nb", NOW + timedelta(hours=3)),
        (second.email, "nn", NOW + timedelta(hours=3)),
    ]
    assert "Budget raised." in mails[0].body_text


def test_r4_version_rows_are_unique_per_number(app, clock):
    competition, actor = _draft(clock)
    _fill(competition, actor)
    services.publish(competition, actor)
    db.session.add(CallVersion(competition_id=competition.id, number=1, snapshot={}, change_note="x", published_at=NOW))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_r4_unchanged_amendment_is_refused(app, clock):
    competition, actor = _draft(clock)
    _fill(competition, actor)
    services.publish(competition, actor)
    with pytest.raises(DomainError) as refused:
        services.update_settings(competition, actor, {"budget": 600_000}, change_note="Nothing")
    assert str(refused.value) == "Nothing in the call changed."


def test_r5_solution_stage_needs_announced_follow_on_contract(app, clock):
    competition, actor = _draft(clock)
    _fill(competition, actor)
    services.update_settings(competition, actor, {"follow_on_contract": False})
    services.save_stage(
        competition,
        actor,
        None,
        {
            "name": "Utvikle",
            "kind": StageKind.SOLUTION_DEVELOPMENT,
            "opens_at": NOW + timedelta(days=80),
            "deadline_at": NOW + timedelta(days=400),
        },
    )
    assert [str(e) for e in check_call(competition, at=NOW).errors] == [
        "Stage 3. Utvikle is a solution development stage, but the call says no follow-on contract will be awarded."
    ]


def test_r5_follow_on_answer_fixed_after_publication(app, clock):
    competition, actor = _draft(clock)
    _fill(competition, actor)
    services.publish(competition, actor)
    with pytest.raises(DomainError) as refused:
        services.update_settings(competition, actor, {"follow_on_contract": False}, change_note="No contract")
    assert str(refused.value) == "Whether a follow-on contract may be awarded cannot change after publication."


def test_r7_short_window_is_a_warning_and_standstill_defaults_to_10(app, clock):
    competition, actor = _draft(clock)
    _fill(competition, actor)
    result = check_call(competition, at=NOW, min_window_days=31)
    assert result.errors == []
    assert [str(w) for w in result.warnings] == [
        "Stage 1. Idéskisse: the submission window is shorter than 31 days.",
        "Stage 2. Videreutvikling: the submission window is shorter than 31 days.",
    ]
    assert competition.standstill_days == 10


def test_r35_cancel_needs_reason_notifies_followers_and_keeps_everything(app, clock):
    competition, actor = _draft(clock)
    _fill(competition, actor)
    services.publish(competition, actor)
    user, org = make_participant()
    question = make_question(competition, user, org)
    with pytest.raises(DomainError) as refused:
        services.cancel(competition, actor, "  ")
    assert str(refused.value) == "Cancelling needs an objective reason."
    services.cancel(competition, actor, "The need is covered by a framework agreement.")
    assert (competition.state, competition.cancel_reason, competition.cancelled_at) == (
        CompetitionState.CANCELLED,
        "The need is covered by a framework agreement.",
        NOW,
    )
    assert [m.recipient_email for m in _messages("competitions/cancelled")] == [user.email]
    assert db.session.get(Question, question.id) is not None
    assert len(queries.versions_of(competition)) == 1
    with pytest.raises(DomainError):
        services.update_settings(competition, actor, {"budget": 1}, change_note="After cancel")


def test_co_owner_officers_have_the_same_rights_and_act_for_their_organisation(app, clock):
    competition, actor = _draft(clock)
    partner = make_org(buyer=True)
    partner_officer = make_officer(partner)
    assert permissions.can_manage_competition(partner_officer, competition) is False
    services.add_co_owner(competition, actor, partner)
    assert permissions.can_manage_competition(partner_officer, competition) is True
    assert permissions.officer_organisation(partner_officer, competition) == partner
    services.update_settings(competition, Actor(partner_officer, partner, "officer"), {"budget": 5})
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert (entry.action, entry.actor_id, entry.organisation_id) == (
        "competition.settings_changed",
        partner_officer.id,
        partner.id,
    )
    assert [m.recipient_email for m in _messages("competitions/co_owner")] == [partner_officer.email]


def test_co_owner_must_be_an_approved_buyer(app, clock):
    competition, actor = _draft(clock)
    with pytest.raises(DomainError) as refused:
        services.add_co_owner(competition, actor, make_org(name="Not A Buyer AS"))
    assert str(refused.value) == "Not A Buyer AS is not an approved buyer."


def test_clone_copies_structure_not_dates_participants_or_results(app, clock):
    competition, actor = _draft(clock)
    _fill(competition, actor)
    services.publish(competition, actor)
    user, org = make_participant()
    make_question(competition, user, org)
    copy = services.create_competition(
        actor, actor.organisation, title="Unge i arbeid – Vestland", slug="vestland", source=competition
    )
    assert copy.state == CompetitionState.DRAFT
    assert [(s.name, s.advancing_count, s.award_amount, s.opens_at, s.deadline_at) for s in copy.stages] == [
        ("Idéskisse", 3, 50_000, None, None),
        ("Videreutvikling", 1, 450_000, None, None),
    ]
    assert [(c.name, c.weight, c.descriptors) for c in copy.stages[0].criteria] == [
        ("Relevance", 60, {"0": "None", "10": "Full"}),
        ("Team", 40, {}),
    ]
    assert copy.background == "Young people need work."
    assert [c.name for c in copy.eligibility_categories] == ["Start-up"]
    assert queries.versions_of(copy) == []
    assert queries.all_questions(copy) == []


def test_clone_from_saved_template(app, clock):
    competition, actor = _draft(clock)
    _fill(competition, actor)
    template = services.save_as_template(competition, actor, "StartOff two stages")
    copy = services.create_competition(
        actor, actor.organisation, title="From template", slug="from-template", source=template
    )
    assert [(s.name, len(s.criteria)) for s in copy.stages] == [("Idéskisse", 2), ("Videreutvikling", 2)]
    assert copy.ipr_terms == "The participant keeps the rights."


def test_audit_records_each_authoring_step(app, clock):
    competition, actor = _draft(clock)
    _fill(competition, actor)
    services.publish(competition, actor)
    actions = [e.action for e, _org in reversed(queries.audit_trail(competition))]
    assert actions == [
        "competition.created",
        "competition.settings_changed",
        "competition.eligibility_changed",
        "stage.saved",
        "stage.criteria_changed",
        "stage.saved",
        "stage.criteria_changed",
        "competition.published",
        "call.version_published",
    ]


def test_slug_must_be_free(app, clock):
    competition, actor = _draft(clock)
    with pytest.raises(DomainError) as refused:
        services.create_competition(actor, actor.organisation, title="Again", slug=competition.slug)
    assert str(refused.value) == "The address unge-i-arbeid is already taken."
    assert db.session.scalars(select(Competition).where(Competition.slug == "unge-i-arbeid")).one() is competition
