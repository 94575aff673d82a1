"""Protocol sections for the call (R42): key facts, published versions, Q&A, cancellation.

Rows are JSON-ready: times ISO 8601 UTC through `iso()`, amounts integers of whole kroner.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from compete.accounts.models import Organisation, User
from compete.audit.models import AuditEntry
from compete.audit.protocol import iso, labels, section, value_labels
from compete.competitions.models import CallVersion, Competition, Question, Stage
from compete.competitions.states import CompetitionState
from compete.core.i18n import lazy_gettext as _l
from compete.core.i18n import lazy_pgettext
from compete.extensions import db

labels(
    {
        "title": _l("Title"),
        "state": _l("Status"),
        "buyers": _l("Buyers"),
        "lead": _l("Lead buyer"),
        "name": _l("Name"),
        "orgnr": _l("Org. no."),
        "budget": _l("Budget"),
        "announced_payments": _l("Announced stage payments"),
        "jury_binding": _l("Jury binding"),
        "follow_on_contract": _l("Follow-on contract"),
        "ipr_terms": _l("IPR terms"),
        "standstill_days": _l("Standstill period (days)"),
        "published_at": _l("Published"),
        "eligibility_categories": _l("Eligibility categories"),
        "definition": _l("Definition"),
        "stages": _l("Stages"),
        "stage": _l("Stage"),
        "kind": _l("Kind"),
        "anonymous": _l("Anonymous"),
        "opens_at": _l("Opens"),
        "question_deadline_at": _l("Question deadline"),
        "deadline_at": _l("Deadline"),
        "advancing_count": _l("Advancing"),
        "award_amount": _l("Award per participant"),
        "criteria": _l("Criteria"),
        "criterion": _l("Criterion"),
        "weight_percent": _l("Weight (%)"),
        "scale": _l("Scale"),
        "number": _l("No."),
        "change_note": _l("Change note"),
        "published_by": _l("Published by"),
        "organisation": lazy_pgettext("buyer", "Organisation"),
        "snapshot_sha256": _l("SHA-256 of the version"),
        "asked_at": _l("Asked"),
        "question": _l("Question"),
        "answer": _l("Answer"),
        "answered_by": _l("Answered by"),
        "cancelled_at": _l("Cancelled"),
        "reason": _l("Reason"),
        "cancelled_by": _l("Cancelled by"),
    }
)


def _competition(competition: Competition) -> Competition:
    """The competition with what the call section reads, in a constant number of queries."""
    return db.session.scalars(
        select(Competition)
        .where(Competition.id == competition.id)
        .options(
            selectinload(Competition.stages).selectinload(Stage.criteria),
            selectinload(Competition.owners),
            selectinload(Competition.eligibility_categories),
        )
    ).one()


@section("call", _l("The call"), order=10)
def call(competition: Competition) -> list[dict]:
    c = _competition(competition)
    org_ids = [owner.organisation_id for owner in c.owners]
    orgs = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(org_ids)))}
    return [
        {
            "title": c.title,
            "state": c.state.value,
            "buyers": [
                {"name": orgs[o.organisation_id].name, "orgnr": orgs[o.organisation_id].orgnr, "lead": o.is_lead}
                for o in c.owners
            ],
            "budget": c.budget,
            "announced_payments": c.total_stage_payments,
            "jury_binding": c.jury_binding,
            "follow_on_contract": c.follow_on_contract,
            "ipr_terms": c.ipr_terms,
            "standstill_days": c.standstill_days,
            "published_at": iso(c.published_at),
            "eligibility_categories": [{"name": e.name, "definition": e.definition} for e in c.eligibility_categories],
            "stages": [
                {
                    "stage": s.position,
                    "name": s.name,
                    "kind": s.kind.value,
                    "anonymous": s.anonymous,
                    "opens_at": iso(s.opens_at),
                    "question_deadline_at": iso(s.question_deadline_at),
                    "deadline_at": iso(s.deadline_at),
                    "advancing_count": s.advancing_count,
                    "award_amount": s.award_amount,
                    "criteria": [
                        {"criterion": k.name, "weight_percent": k.weight, "scale": f"{k.scale_min}–{k.scale_max}"}
                        for k in s.criteria
                    ],
                }
                for s in c.stages
            ],
        }
    ]


def _sha256(snapshot: dict) -> str:
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@section("call_versions", _l("Versions of the call"), order=15)
def call_versions(competition: Competition) -> list[dict]:
    rows = db.session.execute(
        select(CallVersion, User.name, Organisation.name)
        .outerjoin(User, User.id == CallVersion.published_by_id)
        .outerjoin(Organisation, Organisation.id == CallVersion.organisation_id)
        .where(CallVersion.competition_id == competition.id)
        .order_by(CallVersion.number)
    ).all()
    return [
        {
            "number": v.number,
            "published_at": iso(v.published_at),
            "change_note": v.change_note,
            "published_by": person,
            "organisation": organisation,
            "snapshot_sha256": _sha256(v.snapshot),
        }
        for v, person, organisation in rows
    ]


@section("qa", _l("Questions and answers"), order=20)
def questions_and_answers(competition: Competition) -> list[dict]:
    """Every question in the order asked. The asker is never named (R12): a published question
    appears as published (anonymised), an unpublished one as asked."""
    rows = db.session.execute(
        select(Question, User.name)
        .outerjoin(User, User.id == Question.answered_by_id)
        .where(Question.competition_id == competition.id)
        .order_by(Question.asked_at, Question.id)
    ).all()
    return [
        {
            "number": index,
            "asked_at": iso(q.asked_at),
            "question": q.public_body if q.published_at else q.body,
            "answer": q.answer,
            "answered_by": answered_by,
            "published_at": iso(q.published_at),
        }
        for index, (q, answered_by) in enumerate(rows, start=1)
    ]


@section("cancellation", _l("Cancellation"), order=95)
def cancellation(competition: Competition) -> list[dict] | None:
    """Left out unless the competition was cancelled (R35)."""
    if competition.state != CompetitionState.CANCELLED:
        return None
    entry = db.session.execute(
        select(AuditEntry, User.name, Organisation.name)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .outerjoin(Organisation, Organisation.id == AuditEntry.organisation_id)
        .where(AuditEntry.competition_id == competition.id, AuditEntry.action == "competition.cancelled")
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    return [
        {
            "cancelled_at": iso(competition.cancelled_at),
            "reason": competition.cancel_reason,
            "cancelled_by": entry[1] if entry else None,
            "organisation": entry[2] if entry else None,
        }
    ]


value_labels(
    "state",
    {
        "draft": _l("Draft"),
        "published": _l("Published"),
        "contract": _l("Contract"),
        "completed": _l("Completed"),
        "archived": _l("Archived"),
        "cancelled": _l("Cancelled"),
    },
)
value_labels(
    "kind",
    {
        "idea_sketch": _l("Idea sketch"),
        "further_development": _l("Further development"),
        "solution_development": _l("Solution development"),
    },
)
