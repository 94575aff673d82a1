"""Retention (R43) and minimisation (R45)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from compete.audit.models import AuditEntry
from compete.awards import services as award_services
from compete.competitions import services as competition_services
from compete.competitions.models import Question, TemplateField
from compete.core.errors import DomainError
from compete.extensions import db
from compete.records.minimisation import run_minimisation, runs_of
from compete.records.models import MinimisationRun
from compete.records.retention import retention_ends_at
from compete.submissions.models import SubmissionVersion
from tests.factories import make_competition
from tests.factories_awards import decide_and_notify, make_ranked_stage
from tests.factories_competitions import login_as, make_question
from tests.factories_competitions import make_setup as make_competition_setup

CANCELLED = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_new_competition_takes_the_configured_retention_period(app):
    assert make_competition().retention_years == 10
    app.config["RETENTION_YEARS_DEFAULT"] = 7
    try:
        assert make_competition().retention_years == 7
    finally:
        app.config["RETENTION_YEARS_DEFAULT"] = 10


def test_nothing_is_deleted_before_the_retention_period_ends(app, clock):
    clock.set(CANCELLED - timedelta(days=5))
    s = make_competition_setup()
    question = make_question(s.competition, s.participant, s.participant_org)
    assert retention_ends_at(s.competition) is None  # running: kept
    db.session.delete(question)
    with pytest.raises(DomainError) as refused:
        db.session.flush()
    assert refused.value.code == "retention"
    db.session.expunge(question)
    clock.set(CANCELLED)
    competition_services.cancel(s.competition, s.actor, "Budsjettet falt bort.")
    assert retention_ends_at(s.competition) == datetime(2036, 3, 2, 12, 0, tzinfo=UTC)
    clock.set(datetime(2036, 3, 2, 11, 59, 59, tzinfo=UTC))
    question = db.session.get(Question, question.id)
    db.session.delete(question)
    with pytest.raises(DomainError):
        db.session.flush()
    db.session.expunge(question)
    assert _count(Question) == 1
    clock.set(datetime(2036, 3, 2, 12, 0, tzinfo=UTC))
    db.session.delete(db.session.get(Question, question.id))
    db.session.flush()
    assert _count(Question) == 0


def _stage_with_contacts():
    world = make_ranked_stage(entries=4)
    world.stage.fields.append(
        TemplateField(position=3, key="contact", kind="short_text", label="Contact", required=False, personal_data=True)
    )
    for index, entry in enumerate(world.entries):
        version = entry.current_version
        version.content = {**version.content, "contact": f"Kari {index}, 912 34 56{index}"}
    db.session.flush()
    return world


def test_after_the_complaint_period_unsuccessful_participants_personal_fields_are_minimised(app, clock):
    world = _stage_with_contacts()
    decision = decide_and_notify(world)
    loser = world.entries[3]
    complaint = award_services.register_complaint(decision, loser.created_by, loser.organisation, "Feil.")
    hashes = {e.id: (e.current_version.content_sha256, e.current_version.receipt_sha256) for e in world.entries}
    assert run_minimisation(decision.standstill_ends_at - timedelta(seconds=1)) == []  # complaint period runs
    assert run_minimisation(decision.standstill_ends_at) == []  # a complaint is waiting for its response
    award_services.respond(complaint, world.officer, "Vurderingen står seg.")
    moment = decision.standstill_ends_at + timedelta(hours=1)
    (run,) = run_minimisation(moment)
    losers = [loser]
    assert run.summary == [{"code": e.code, "organisation": e.organisation.name, "fields": ["contact"]} for e in losers]
    contents = {e.id: db.session.get(SubmissionVersion, e.current_version_id).content for e in world.entries}
    kept = ["Kari 0, 912 34 560", "Kari 1, 912 34 561", "Kari 2, 912 34 562"]
    assert [contents[e.id]["contact"] for e in world.entries] == [*kept, ""]
    assert contents[loser.id]["problem"] == world.entries[0].current_version.content["problem"]  # the rest is kept
    assert {e.id: (e.current_version.content_sha256, e.current_version.receipt_sha256) for e in world.entries} == hashes
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "records.minimised")).one()
    assert entry.after == {"stage": 1, "fields": ["contact"], "entries": run.summary}
    assert "Kari" not in str(entry.after)
    # Idempotent: a second run finds nothing to do.
    assert run_minimisation(moment + timedelta(days=1)) == []
    assert runs_of(world.competition.id) == [run]
    assert _count(MinimisationRun) == 1


def test_retention_cli_runs_the_job(app, clock):
    world = _stage_with_contacts()
    decision = decide_and_notify(world)
    clock.set(decision.standstill_ends_at + timedelta(minutes=1))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["retention", "run"])
    second = runner.invoke(args=["retention", "run"])
    assert (first.exit_code, first.output) == (0, "minimised 1 stage(s), 1 entry\n")
    assert (second.exit_code, second.output) == (0, "minimised 0 stage(s), 0 entries\n")


def test_the_officer_sees_the_retention_period_and_the_runs(app, client, clock):
    world = _stage_with_contacts()
    decision = decide_and_notify(world)
    run_minimisation(decision.standstill_ends_at)
    db.session.commit()
    login_as(client, world.setup.user, world.setup.organisation)
    assert client.get(f"/manage/competitions/{world.competition.slug}/records").status_code == 403
    login_as(client, world.setup.officer, world.setup.buyer)
    html = client.get(f"/manage/competitions/{world.competition.slug}/records").get_data(as_text=True)
    assert "10 år etter at konkurransen ble avsluttet" in html
    assert "Konkurransen er ikke avsluttet: alt blir tatt vare på." in html
    assert html.count(f"{world.entries[3].code} ({world.entries[3].organisation.name}): contact") == 1


def test_a_draft_that_was_never_published_may_lose_a_stage(app):
    from compete.competitions.states import CompetitionState

    s = make_competition_setup(state=CompetitionState.DRAFT, with_version=False, stages=2)
    competition_services.delete_stage(s.competition.stages[1], s.actor)
    assert [stage.position for stage in s.competition.stages] == [1]


@pytest.mark.parametrize("model_name", ["Question", "SubmissionVersion", "Attachment", "Competition"])
def test_a_bulk_delete_on_the_record_is_refused_before_it_reaches_the_database(app, model_name):
    """A DELETE statement would pass the per-row retention check unseen (R43)."""
    from sqlalchemy import delete

    from compete.records import retention

    model = {m.__name__: m for m in retention.RECORD_MODELS}[model_name]
    s = make_competition_setup()
    make_question(s.competition, s.participant, s.participant_org)
    before = _count(model)

    with pytest.raises(retention.BulkDeletionRefused):
        db.session.execute(delete(model))
    with pytest.raises(retention.BulkDeletionRefused):
        db.session.execute(delete(model.__table__).where(model.__table__.c.id > 0))

    assert _count(model) == before


def test_a_bulk_delete_elsewhere_is_left_alone(app):
    from sqlalchemy import delete

    from compete.api.models import ApiRateCounter

    db.session.add(ApiRateCounter(bucket="ip:192.0.2.1", period=1, hits=3))
    db.session.flush()

    db.session.execute(delete(ApiRateCounter))  # not part of any competition's record

    assert _count(ApiRateCounter) == 0
