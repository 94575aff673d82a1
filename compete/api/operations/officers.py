"""The officers' records: a stage's submissions, the receipt log, the ranking, decisions, awards and
the protocol."""

from __future__ import annotations

import hashlib
import json

from compete.api.operations.common import OFFICER, iso, org
from compete.api.registry import POSITION, SLUG, ApiError
from compete.api.schemas import array, ref
from compete.api.views import api_user, forbid, not_found, operation
from compete.audit import permissions as audit_permissions
from compete.audit import protocol
from compete.audit.seals import seal_competition
from compete.audit.services import Actor, record_protocol_export
from compete.awards import permissions as award_permissions
from compete.awards import queries as award_queries
from compete.competitions import queries as competition_queries
from compete.competitions.states import StageState
from compete.core.i18n import lazy_gettext as _l
from compete.extensions import db
from compete.jury import permissions as jury_permissions
from compete.jury import queries as jury_queries
from compete.submissions import permissions as submission_permissions
from compete.submissions import queries as submission_queries


def _competition(slug: str):
    competition = competition_queries.competition_by_slug(slug)
    if competition is None:
        raise not_found()
    return competition


def _stage(slug: str, position: int):
    competition = _competition(slug)
    stage = submission_queries.stage_of(competition, position)
    if stage is None:
        raise not_found()
    return competition, stage


@operation(
    "/competitions/{slug}/stages/{position}/submissions",
    "listStageSubmissions",
    summary=_l("The stage's submissions for its officers and functionary"),
    tag="officer",
    scope=OFFICER,
    response=array(ref("StaffSubmission")),
    params=[SLUG, POSITION],
)
def list_stage_submissions(slug: str, position: int):
    competition, stage = _stage(slug, position)
    forbid(submission_permissions.can_view_receipt_log(api_user(), competition))
    rows = []
    for s in submission_queries.stage_submissions(stage):
        version = s.current_version
        rows.append(
            {
                "code": s.code,
                "status": s.status.value,
                "eligibility": s.eligibility.value,
                "eligibility_category": s.eligibility_category,
                "version": version.number if version else None,
                "submitted_at": iso(version.submitted_at) if version else None,
                "content_sha256": version.content_sha256 if version else None,
                "withdrawn_at": iso(s.withdrawn_at),
                "organisation": org(s.organisation),
            }
        )
    return rows


@operation(
    "/competitions/{slug}/stages/{position}/receipts",
    "getReceiptLog",
    summary=_l("The receipt log: every submitted version, withdrawal and late attempt (R15, R17)"),
    tag="officer",
    scope=OFFICER,
    response=array(ref("ReceiptLogRow")),
    params=[SLUG, POSITION],
)
def receipt_log(slug: str, position: int):
    competition, stage = _stage(slug, position)
    forbid(submission_permissions.can_view_receipt_log(api_user(), competition))
    return [
        {
            "at": iso(row.at),
            "event": row.event,
            "code": row.code,
            "organisation": row.organisation,
            "orgnr": row.orgnr,
            "person": row.person,
            "detail": row.detail,
            "sha256": row.hashes,
        }
        for row in submission_queries.receipt_log(stage)
    ]


LOCKED = (StageState.RANKING_LOCKED, StageState.DEANONYMISED, StageState.DECIDED)


@operation(
    "/competitions/{slug}/stages/{position}/ranking",
    "getRanking",
    summary=_l("The jury's ranking, once it is locked (R27)"),
    description=_l("Codes only until the stage is de-anonymised (R24, R30)."),
    tag="officer",
    scope=OFFICER,
    response=ref("Ranking"),
    params=[SLUG, POSITION],
    errors=(404, 409),
)
def ranking(slug: str, position: int):
    user = api_user()
    _, stage = _stage(slug, position)
    forbid(jury_permissions.can_see_ranking(user, stage))
    seat = jury_permissions.seat_of(user, stage)
    if seat is not None and not jury_permissions.can_manage_jury(user, stage):
        forbid(jury_permissions.has_scored_own(seat))
    if stage.state not in LOCKED:
        raise ApiError(409, _l("The ranking is not locked yet."))
    ranked, _juror_totals, _tie = jury_queries.ranking_and_totals(stage)
    hidden = jury_permissions.hidden_entries(user, stage)
    entries = {e.id: e for e in jury_queries.entries(stage)}
    reveal = stage.state in (StageState.DEANONYMISED, StageState.DECIDED)

    def code(entry_id):
        return entries[entry_id].code if entry_id in entries else str(entry_id)

    return {
        "stage_position": stage.position,
        "state": stage.state.value,
        "method": stage.aggregation_method,
        "hidden_entries": len(hidden),
        "names_published": reveal,
        "entries": [
            {
                "rank": r.rank,
                "code": code(r.entry),
                "total": r.total,
                "tied_with": [code(t) for t in r.tied_with],
                "organisation": entries[r.entry].organisation.name if reveal and r.entry in entries else None,
            }
            for r in jury_queries.visible_ranking(ranked, hidden)
        ],
    }


@operation(
    "/competitions/{slug}/decisions",
    "listDecisions",
    summary=_l("The competition's decisions with selections, notices and standstill (R31)"),
    tag="officer",
    scope=OFFICER,
    response=array(ref("Decision")),
    params=[SLUG],
)
def decisions(slug: str):
    competition = _competition(slug)
    forbid(award_permissions.can_decide(api_user(), competition))
    return [
        {
            "stage_position": d.stage.position,
            "stage_name": d.stage.name,
            "decided_at": iso(d.decided_at),
            "decided_by": d.decided_by.name,
            "final": d.is_final,
            "notices_sent_at": iso(d.notices_sent_at),
            "standstill_ends_at": iso(d.standstill_ends_at),
            "deviation_reasons": d.deviation_reasons,
            "fewer_reason": d.fewer_reason,
            "selected": [{"rank": s.rank, "organisation": s.organisation.name} for s in d.selections],
        }
        for d in award_queries.decisions_of(competition)
    ]


@operation(
    "/competitions/{slug}/awards",
    "listAwards",
    summary=_l("Stage awards and their payments (R37)"),
    tag="officer",
    scope=OFFICER,
    response=array(ref("Award")),
    params=[SLUG],
)
def awards(slug: str):
    competition = _competition(slug)
    forbid(award_permissions.can_manage_awards(api_user(), competition))
    return [
        {
            "id": a.id,
            "stage_position": a.stage.position,
            "organisation": org(a.organisation),
            "kind": a.kind.value,
            "amount": a.amount,
            "state": a.state.value,
            "due_at": iso(a.due_at),
            "agreement_signed_at": iso(a.agreement_signed_at),
            "delivered_at": iso(a.delivered_at),
            "delivered_on_time": a.delivered_on_time,
            "accepted_at": iso(a.accepted_at),
            "payment_approved_at": iso(a.payment_approved_at),
            "payment_approved_by": a.payment_approved_by.name if a.payment_approved_by else None,
            "invoice_reference": a.invoice_reference,
            "recipient_orgnr": a.recipient_orgnr,
            "paid_at": iso(a.paid_at),
            "paid_by": a.paid_by.name if a.paid_by else None,
        }
        for a in award_queries.awards_of(competition)
    ]


@operation(
    "/competitions/{slug}/protocol",
    "getProtocol",
    summary=_l("The procurement protocol as JSON (R42)"),
    description=_l("Audited and sealed like the JSON export on the protocol page."),
    tag="officer",
    scope=OFFICER,
    response=ref("Protocol"),
    params=[SLUG],
    audited=True,
)
def get_protocol(slug: str):
    from compete.competitions.permissions import officer_organisation

    user = api_user()
    competition = competition_queries.competition_for_editing(slug)
    if competition is None:
        raise not_found()
    forbid(audit_permissions.can_view_protocol(user, competition))
    built = protocol.build(competition)
    body = json.dumps(built, ensure_ascii=False, indent=2).encode()
    seal_competition(competition, "protocol")
    actor = Actor(user, officer_organisation(user, competition), "officer")
    record_protocol_export(competition, actor, "json", hashlib.sha256(body).hexdigest())
    db.session.commit()
    return built
