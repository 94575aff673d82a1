"""The API's operations: public open data, the officers' records and the participants' own.

Each handler loads (404), checks the page's `can_*` predicate with the token's user (403), and
returns JSON-ready data; what a page hides (names in an anonymous stage before de-anonymisation,
entries a conflicted juror may not see) the API hides too.
"""

from __future__ import annotations

import hashlib
import json

from flask import current_app, url_for

from compete.api.registry import POSITION, SLUG, ApiError, Param
from compete.api.schemas import array, ref
from compete.api.views import api_user, forbid, not_found, operation
from compete.audit import permissions as audit_permissions
from compete.audit import protocol
from compete.audit.seals import seal_competition
from compete.audit.services import Actor, record_protocol_export
from compete.awards import permissions as award_permissions
from compete.awards import queries as award_queries
from compete.awards.services import names_visible
from compete.competitions import permissions as competition_permissions
from compete.competitions import queries as competition_queries
from compete.competitions.states import CompetitionState, StageState
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.jury import permissions as jury_permissions
from compete.jury import queries as jury_queries
from compete.submissions import permissions as submission_permissions
from compete.submissions import queries as submission_queries
from compete.submissions import services as submission_services

NUMBER = Param("number", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, _l("The call version's number."))
SUBMISSION_ID = Param(
    "submission_id", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, _l("The submission's id.")
)
OFFICER = ("read:officer",)
OWN = ("read:own",)


def _iso(value):
    return value.isoformat() if value is not None else None


def _org(organisation) -> dict:
    return {"name": organisation.name, "orgnr": organisation.orgnr}


# --- public --------------------------------------------------------------------------------------


def _public_competition(slug: str):
    competition = competition_queries.competition_by_slug(slug)
    if competition is None or competition.state == CompetitionState.DRAFT:
        raise not_found()
    return competition


def _summary(competition, moment) -> dict:
    return {
        "slug": competition.slug,
        "title": competition.title,
        "summary": competition.summary,
        "state": competition.state.value,
        "budget": competition.budget,
        "published_at": _iso(competition.published_at),
        "buyers": [{**_org(o.organisation), "lead": i == 0} for i, o in enumerate(competition.owners)],
        "stages": [
            {
                "position": s.position,
                "name": s.name,
                "kind": s.kind.value,
                "phase": s.phase(moment).value,
                "anonymous": s.anonymous,
                "opens_at": _iso(s.opens_at),
                "deadline_at": _iso(s.deadline_at),
                "advancing_count": s.advancing_count,
                "award_amount": s.award_amount,
            }
            for s in competition.stages
        ],
        "url": current_app.config["BASE_URL"].rstrip("/") + url_for("competitions.call_page", slug=competition.slug),
    }


def _version(version, *, full: bool) -> dict:
    data = {"number": version.number, "published_at": _iso(version.published_at), "change_note": version.change_note}
    if full:
        data["snapshot"] = version.snapshot
    return data


@operation(
    "/competitions",
    "listCompetitions",
    summary=_l("Published competitions, newest first"),
    tag="public",
    response=array(ref("CompetitionSummary")),
    errors=(),
)
def list_competitions():
    moment = now()
    return [_summary(c, moment) for c in competition_queries.public_competitions()]


@operation(
    "/competitions/{slug}",
    "getCompetition",
    summary=_l("One published competition with its current call and the list of call versions"),
    tag="public",
    response=ref("Competition"),
    params=[SLUG],
)
def get_competition(slug: str):
    competition = _public_competition(slug)
    versions = competition_queries.versions_of(competition)
    return {
        **_summary(competition, now()),
        "cancel_reason": competition.cancel_reason if competition.state == CompetitionState.CANCELLED else None,
        "current_call": _version(versions[-1], full=True) if versions else None,
        "call_versions": [_version(v, full=False) for v in versions],
    }


@operation(
    "/competitions/{slug}/calls",
    "listCallVersions",
    summary=_l("Every published version of the call, with change notes (R4)"),
    tag="public",
    response=array(ref("CallVersionSummary")),
    params=[SLUG],
)
def list_calls(slug: str):
    competition = _public_competition(slug)
    return [_version(v, full=False) for v in competition_queries.versions_of(competition)]


@operation(
    "/competitions/{slug}/calls/{number}",
    "getCallVersion",
    summary=_l("One version of the call as it was published"),
    tag="public",
    response=ref("CallVersion"),
    params=[SLUG, NUMBER],
)
def get_call(slug: str, number: int):
    competition = _public_competition(slug)
    version = competition_queries.version_of(competition, number)
    if version is None:
        raise not_found()
    return _version(version, full=True)


@operation(
    "/competitions/{slug}/questions",
    "listQuestions",
    summary=_l("Published questions and answers, askers anonymised (R12)"),
    tag="public",
    response=array(ref("Question")),
    params=[SLUG],
)
def list_questions(slug: str):
    competition = _public_competition(slug)
    return [
        {"question": q.public_body, "answer": q.answer, "published_at": _iso(q.published_at)}
        for q in competition_queries.published_questions(competition)
    ]


@operation(
    "/competitions/{slug}/results",
    "getResults",
    summary=_l("Announced decisions, the winner and the measured results of the contract"),
    tag="public",
    response=ref("Results"),
    params=[SLUG],
)
def get_results(slug: str):
    from compete.contracts.views import contract_results

    competition = _public_competition(slug)
    if not competition_permissions.can_view_call(api_user(), competition):
        raise not_found()
    decisions = award_queries.decisions_of(competition, announced_only=True)
    winner = next((d.selections[0] for d in decisions if d.is_final and d.selections), None)
    rows = []
    for d in decisions:
        visible = names_visible(d.stage)
        rows.append(
            {
                "stage_position": d.stage.position,
                "stage_name": d.stage.name,
                "decided_at": _iso(d.decided_at),
                "final": d.is_final,
                "award_amount": d.stage.award_amount,
                "selected_count": len(d.selections),
                "names_published": visible,
                "selected": [
                    {"rank": s.rank, "organisation": s.organisation.name if visible else None} for s in d.selections
                ],
            }
        )
    results = contract_results(competition)
    measured = None
    if results is not None:
        measured = {
            "contractor": results["contract"].contractor_name,
            "signed_on": _iso(results["contract"].signed_on),
            "summary": results["summary"],
            "published_at": _iso(results["published_at"]),
            "outcomes": [
                {
                    "definition": row["outcome"].definition,
                    "measure": row["outcome"].measure,
                    "threshold": row["outcome"].threshold,
                    "window_from": _iso(row["outcome"].window_from),
                    "window_to": _iso(row["outcome"].window_to),
                    "verified": row["verified"],
                    "paid": row["paid"],
                }
                for row in results["outcomes"]
            ],
        }
    return {
        "slug": competition.slug,
        "winner": winner.organisation.name if winner is not None and names_visible(winner.stage) else None,
        "decisions": rows,
        "measured_results": measured,
    }


# --- officers ------------------------------------------------------------------------------------


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
                "submitted_at": _iso(version.submitted_at) if version else None,
                "content_sha256": version.content_sha256 if version else None,
                "withdrawn_at": _iso(s.withdrawn_at),
                "organisation": _org(s.organisation),
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
            "at": _iso(row.at),
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
            "decided_at": _iso(d.decided_at),
            "decided_by": d.decided_by.name,
            "final": d.is_final,
            "notices_sent_at": _iso(d.notices_sent_at),
            "standstill_ends_at": _iso(d.standstill_ends_at),
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
            "organisation": _org(a.organisation),
            "kind": a.kind.value,
            "amount": a.amount,
            "state": a.state.value,
            "due_at": _iso(a.due_at),
            "agreement_signed_at": _iso(a.agreement_signed_at),
            "delivered_at": _iso(a.delivered_at),
            "delivered_on_time": a.delivered_on_time,
            "accepted_at": _iso(a.accepted_at),
            "payment_approved_at": _iso(a.payment_approved_at),
            "payment_approved_by": a.payment_approved_by.name if a.payment_approved_by else None,
            "invoice_reference": a.invoice_reference,
            "recipient_orgnr": a.recipient_orgnr,
            "paid_at": _iso(a.paid_at),
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


# --- participants --------------------------------------------------------------------------------


@operation(
    "/me/submissions",
    "listMySubmissions",
    summary=_l("Your organisations' submissions with their versions"),
    tag="participant",
    scope=OWN,
    response=array(ref("OwnSubmission")),
    errors=(),
)
def my_submissions():
    return [
        {
            "id": s.id,
            "competition": {"slug": s.stage.competition.slug, "title": s.stage.competition.title},
            "stage_position": s.stage.position,
            "stage_name": s.stage.name,
            "code": s.code,
            "status": s.status.value,
            "organisation": _org(s.organisation),
            "withdrawn_at": _iso(s.withdrawn_at),
            "versions": [
                {"number": v.number, "submitted_at": _iso(v.submitted_at), "content_sha256": v.content_sha256}
                for v in s.versions
            ],
        }
        for s in submission_queries.submissions_of_user(api_user())
    ]


@operation(
    "/submissions/{submission_id}/receipts",
    "listReceipts",
    summary=_l("The receipts of a submission's versions (R17)"),
    tag="participant",
    scope=("read:own", "read:officer"),
    response=array(ref("Receipt")),
    params=[SUBMISSION_ID],
)
def receipts(submission_id: int):
    submission = submission_queries.submission_by_id(submission_id)
    if submission is None:
        raise not_found()
    forbid(submission_permissions.can_view_submission(api_user(), submission))
    rows = []
    for version in submission.versions:
        receipt = submission_services.receipt_for(version)
        rows.append(
            {
                "code": receipt.code,
                "competition": receipt.competition,
                "stage": receipt.stage,
                "version": receipt.version,
                "submitted_at": _iso(receipt.submitted_at),
                "content_sha256": receipt.content_sha256,
                "files": receipt.files,
            }
        )
    return rows
