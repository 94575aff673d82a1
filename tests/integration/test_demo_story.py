"""`flask demo` tells one story: two builds give the same entries, selections, winner and
contractor, and the finished competition includes a minimisation run (R45)."""

from sqlalchemy import select

from compete.accounts.models import Organisation
from compete.audit.models import AuditEntry
from compete.competitions.models import Competition, Stage
from compete.contracts.models import Contract
from compete.demo import load_demo
from compete.extensions import db
from compete.jury.demo import FINISHED_SLUG
from compete.records.models import MinimisationRun
from compete.submissions.models import Submission


def _story() -> dict:
    return {
        "contracts": db.session.execute(
            select(Competition.slug, Organisation.name)
            .join(Contract, Contract.competition_id == Competition.id)
            .join(Organisation, Organisation.id == Contract.organisation_id)
            .order_by(Competition.slug)
        ).all(),
        "codes": db.session.execute(
            select(Competition.slug, Stage.position, Submission.code, Organisation.name)
            .join(Stage, Stage.competition_id == Competition.id)
            .join(Submission, Submission.stage_id == Stage.id)
            .join(Organisation, Organisation.id == Submission.organisation_id)
            .order_by(Competition.slug, Stage.position, Submission.code)
        ).all(),
        "minimised": db.session.execute(
            select(Competition.slug, Stage.position)
            .join(MinimisationRun, MinimisationRun.competition_id == Competition.id)
            .join(Stage, Stage.id == MinimisationRun.stage_id)
            .order_by(Competition.slug, Stage.position)
        ).all(),
    }


def _build() -> dict:
    savepoint = db.session.begin_nested()
    load_demo()
    db.session.flush()
    story = _story()
    savepoint.rollback()
    db.session.expire_all()
    return story


def test_two_demo_builds_tell_the_same_story(app):
    first, second = _build(), _build()
    assert first == second
    assert [slug for slug, _name in first["contracts"]] == [FINISHED_SLUG]
    assert (FINISHED_SLUG, 1) in first["minimised"] and (FINISHED_SLUG, 2) in first["minimised"]


def test_the_finished_competition_records_its_minimisation(app):
    load_demo()
    db.session.flush()
    finished = db.session.scalars(select(Competition).where(Competition.slug == FINISHED_SLUG)).one()
    entries = db.session.scalars(
        select(AuditEntry.after).where(
            AuditEntry.action == "records.minimised", AuditEntry.competition_id == finished.id
        )
    ).all()
    assert sorted(e["stage"] for e in entries) == [1, 2]
