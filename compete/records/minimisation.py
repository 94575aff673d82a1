"""Minimisation (R45): after the complaint period of a stage, the personal details of the
participants who were not selected are emptied, leaving the organisation-level record, the scores,
the decision and every hash intact. One run per stage, recorded in the audit trail; running the
job again changes nothing.

What is personal: the template fields marked `personal_data` (a contact person, a phone number, the
team's names and CVs), in every version and in the draft. The receipts keep their SHA-256 of the
content as submitted, so the record still proves what was received.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from compete.audit.services import Actor, record
from compete.awards.models import Complaint, Decision
from compete.competitions.models import Stage
from compete.extensions import db
from compete.records.models import MinimisationRun
from compete.submissions.models import Submission

MINIMISED = ""


def _due_decisions(moment: datetime) -> list[Decision]:
    """Decisions whose standstill (the complaint period) is over, every complaint answered, and
    whose stage has not been minimised yet."""
    open_complaints = select(Complaint.decision_id).where(Complaint.responded_at.is_(None))
    done = select(MinimisationRun.stage_id)
    return list(
        db.session.scalars(
            select(Decision)
            .where(
                Decision.notices_sent_at.is_not(None),
                Decision.standstill_ends_at <= moment,
                Decision.id.not_in(open_complaints),
                Decision.stage_id.not_in(done),
            )
            .order_by(Decision.id)
        )
    )


def _emptied(content: dict, keys: list[str]) -> tuple[dict, list[str]]:
    cleared = [k for k in keys if content.get(k)]
    return ({**content, **dict.fromkeys(cleared, MINIMISED)}, cleared)


def minimise_stage(stage: Stage, decision: Decision, moment: datetime) -> MinimisationRun:
    """Empty the personal fields of every entry in `stage` whose organisation was not selected."""
    selected = {s.organisation_id for s in decision.selections}
    keys = [f.key for f in stage.fields if f.personal_data]
    entries = db.session.scalars(
        select(Submission).where(Submission.stage_id == stage.id).order_by(Submission.code)
    ).all()
    summary = []
    for submission in entries:
        if submission.organisation_id in selected:
            continue
        fields: set[str] = set()
        for version in submission.versions:
            version.content, cleared = _emptied(version.content or {}, keys)
            fields.update(cleared)
        submission.draft_content, cleared = _emptied(submission.draft_content or {}, keys)
        fields.update(cleared)
        summary.append(
            {"code": submission.code, "organisation": submission.organisation.name, "fields": sorted(fields)}
        )
    run = MinimisationRun(competition_id=stage.competition_id, stage_id=stage.id, run_at=moment, summary=summary)
    db.session.add(run)
    db.session.flush()
    record(
        Actor.system(),
        "records.minimised",
        stage,
        competition=stage.competition,
        after={"stage": stage.position, "fields": keys, "entries": summary},
    )
    return run


def run_minimisation(moment: datetime) -> list[MinimisationRun]:
    """The scheduled job: minimise every stage whose complaint period is over. Idempotent; flush only."""
    return [minimise_stage(decision.stage, decision, moment) for decision in _due_decisions(moment)]


def runs_of(competition_id: int) -> list[MinimisationRun]:
    return list(
        db.session.scalars(
            select(MinimisationRun)
            .where(MinimisationRun.competition_id == competition_id)
            .order_by(MinimisationRun.run_at, MinimisationRun.id)
        )
    )
