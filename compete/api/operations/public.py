"""Public open data: competitions, their calls, questions and answers, results."""

from __future__ import annotations

from flask import current_app, url_for

from compete.api.operations.common import NUMBER, iso, org
from compete.api.registry import SLUG
from compete.api.schemas import array, ref
from compete.api.views import api_user, not_found, operation
from compete.awards import queries as award_queries
from compete.awards.services import names_visible
from compete.competitions import permissions as competition_permissions
from compete.competitions import queries as competition_queries
from compete.competitions.states import CompetitionState
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now


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
        "published_at": iso(competition.published_at),
        "buyers": [{**org(o.organisation), "lead": i == 0} for i, o in enumerate(competition.owners)],
        "stages": [
            {
                "position": s.position,
                "name": s.name,
                "kind": s.kind.value,
                "phase": s.phase(moment).value,
                "anonymous": s.anonymous,
                "opens_at": iso(s.opens_at),
                "deadline_at": iso(s.deadline_at),
                "advancing_count": s.advancing_count,
                "award_amount": s.award_amount,
            }
            for s in competition.stages
        ],
        "url": current_app.config["BASE_URL"].rstrip("/") + url_for("competitions.call_page", slug=competition.slug),
    }


def _version(version, *, full: bool) -> dict:
    data = {"number": version.number, "published_at": iso(version.published_at), "change_note": version.change_note}
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
        {"question": q.public_body, "answer": q.answer, "published_at": iso(q.published_at)}
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
                "decided_at": iso(d.decided_at),
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
            "signed_on": iso(results["contract"].signed_on),
            "summary": results["summary"],
            "published_at": iso(results["published_at"]),
            "outcomes": [
                {
                    "definition": row["outcome"].definition,
                    "measure": row["outcome"].measure,
                    "threshold": row["outcome"].threshold,
                    "window_from": iso(row["outcome"].window_from),
                    "window_to": iso(row["outcome"].window_to),
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
