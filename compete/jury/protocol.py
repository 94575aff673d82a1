"""The jury's sections of the procurement protocol (R42): impartiality (R22, R29), clarification
minutes (R26) and the jury report with its approvals, lock and de-anonymisation (R27, R30).
Entries appear by code; the organisation is added once the stage is de-anonymised."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from compete.accounts.models import User
from compete.audit.protocol import iso, labels, section, value_labels
from compete.core.i18n import lazy_gettext as _l
from compete.extensions import db
from compete.jury import queries
from compete.jury.exports import revealed
from compete.jury.models import Clarification, EntryDeclaration, JurySeat, ReportApproval

labels(
    {
        "affiliations": _l("Affiliations"),
        "answered_at": _l("Answered"),
        "answers": _l("Answers per entry"),
        "appointed_at": _l("Appointed"),
        "approvals": _l("Approvals"),
        "asked_by": _l("Asked by"),
        "briefing_accepted_at": _l("Briefing accepted"),
        "conflicts": _l("Conflicts"),
        "deanonymised_at": _l("De-anonymised"),
        "declared_at": _l("Declared"),
        "decline_reason": _l("Reason for declining"),
        "declined_at": _l("Declined"),
        "entry": _l("Entry"),
        "explanation": _l("Explanation"),
        "forwarded_at": _l("Forwarded"),
        "forwarded_question": _l("Question as forwarded"),
        "juror": _l("Juror"),
        "jurors": _l("Jurors"),
        "locked_at": _l("Ranking locked"),
        "method": _l("Aggregation method"),
        "ranking": _l("Ranking"),
        "relayed_answer": _l("Answer as relayed"),
        "relayed_at": _l("Relayed"),
        "remark": _l("Jury's remark"),
        "replaced_at": _l("Replaced"),
        "report_sha256": _l("SHA-256 of the approved report"),
        "replacement_reason": _l("Reason for replacement"),
        "role": _l("Role"),
        "ruled_at": _l("Ruled"),
        "ruled_by": _l("Ruled by"),
        "ruling": _l("Ruling"),
        "ruling_reason": _l("Reason for the ruling"),
        "status": _l("Status"),
        "tied_with": _l("Tied with"),
        "total": _l("Total"),
    }
)
value_labels("answer", {"no_conflict": _l("No conflict"), "conflict": _l("Conflict"), "in_doubt": _l("In doubt")})
value_labels("ruling", {"no_conflict": _l("No conflict"), "conflict": _l("Conflict")})
value_labels("role", {"chair": _l("Chair"), "member": _l("Member"), "user_representative": _l("User representative")})
value_labels("method", {"mean": _l("Mean"), "median": _l("Median"), "normalised": _l("Normalised per juror")})
value_labels(
    "status",
    {
        "asked": _l("Waiting for the functionary"),
        "forwarded": _l("Forwarded to the participant"),
        "declined": _l("Declined"),
        "answered": _l("Answered"),
        "relayed": _l("Relayed to the jury"),
    },
)


def _jury_stages(competition) -> list:
    seated = set(
        db.session.scalars(
            select(JurySeat.stage_id).where(JurySeat.stage_id.in_([s.id for s in competition.stages])).distinct()
        )
    )
    return [s for s in competition.stages if s.id in seated]


def _names(user_ids) -> dict:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


@section("impartiality", _l("Impartiality"), order=50)
def impartiality(competition) -> list[dict]:
    """One row per seat (replaced seats too): briefing, declaration, affiliations, each entry's
    answer and the officer's ruling on doubts, with reasons and times."""
    rows = []
    for stage in _jury_stages(competition):
        seats = db.session.scalars(
            select(JurySeat)
            .where(JurySeat.stage_id == stage.id)
            .options(selectinload(JurySeat.user))
            .order_by(JurySeat.id)
        ).all()
        declarations = db.session.scalars(
            select(EntryDeclaration)
            .where(EntryDeclaration.seat_id.in_([s.id for s in seats]))
            .options(selectinload(EntryDeclaration.submission))
        ).all()
        rulers = _names(d.ruled_by_id for d in declarations)
        by_seat: dict = {}
        for d in sorted(declarations, key=lambda d: d.submission.code):
            by_seat.setdefault(d.seat_id, []).append(
                {
                    "entry": d.submission.code,
                    "answer": d.answer.value,
                    "explanation": d.explanation,
                    "ruling": None if d.ruled_conflict is None else ("conflict" if d.ruled_conflict else "no_conflict"),
                    "ruling_reason": d.ruling_reason,
                    "ruled_by": rulers.get(d.ruled_by_id),
                    "ruled_at": iso(d.ruled_at),
                }
            )
        for seat in seats:
            rows.append(
                {
                    "stage": stage.position,
                    "juror": seat.user.name,
                    "role": seat.role.value,
                    "appointed_at": iso(seat.created_at),
                    "briefing_accepted_at": iso(seat.briefing_accepted_at),
                    "declared_at": iso(seat.declared_at),
                    "affiliations": seat.affiliations,
                    "replaced_at": iso(seat.replaced_at),
                    "replacement_reason": seat.replacement_reason,
                    "answers": by_seat.get(seat.id, []),
                }
            )
    return rows


@section("clarifications", _l("Clarification questions"), order=52)
def clarifications(competition) -> list[dict]:
    """The minutes of every clarification question: each step's text and time (R26)."""
    items = db.session.scalars(
        select(Clarification)
        .where(Clarification.stage_id.in_([s.id for s in competition.stages]))
        .options(selectinload(Clarification.submission), selectinload(Clarification.stage))
        .order_by(Clarification.asked_at, Clarification.id)
    ).all()
    seats = {
        s.id: s.user.name
        for s in db.session.scalars(
            select(JurySeat).where(JurySeat.id.in_({c.seat_id for c in items})).options(selectinload(JurySeat.user))
        )
    }
    return [
        {
            "stage": c.stage.position,
            "entry": c.submission.code,
            "organisation": c.submission.organisation.name if revealed(c.stage) else None,
            "status": c.status.value,
            "asked_by": seats.get(c.seat_id),
            "asked_at": iso(c.asked_at),
            "question": c.question,
            "forwarded_question": c.forwarded_question,
            "forwarded_at": iso(c.forwarded_at),
            "decline_reason": c.decline_reason,
            "declined_at": iso(c.declined_at),
            "answer": c.answer,
            "answered_at": iso(c.answered_at),
            "relayed_answer": c.relayed_answer,
            "relayed_at": iso(c.relayed_at),
        }
        for c in items
    ]


@section("jury_report", _l("Jury report"), order=55)
def jury_report(competition) -> list[dict]:
    """One row per stage with a jury: the ranking with totals, agreed remarks, conflicts, each
    juror's approval with its time, and when the ranking locked and the stage was de-anonymised."""
    rows = []
    for stage in _jury_stages(competition):
        report = queries.jury_report(stage)
        names = {e.code: e.organisation.name for e in queries.entries(stage)} if revealed(stage) else {}
        approvals = db.session.execute(
            select(JurySeat, ReportApproval)
            .join(ReportApproval, ReportApproval.seat_id == JurySeat.id)
            .where(JurySeat.stage_id == stage.id, JurySeat.replaced_at.is_(None))
            .order_by(ReportApproval.created_at, JurySeat.id)
        ).all()
        events = queries.stage_events(stage)
        rows.append(
            {
                "stage": stage.position,
                "method": report["method"],
                "ranking": [
                    {
                        "rank": r["rank"],
                        "entry": r["code"],
                        "organisation": names.get(r["code"]) if names else None,
                        "total": r["total"],
                        "tied_with": r["tied_with"],
                        "remark": r["remark"],
                    }
                    for r in report["ranking"]
                ],
                "conflicts": report["conflicts"],
                "jurors": report["jurors"],
                "approvals": [
                    {"juror": seat.user.name, "approved_at": iso(a.created_at), "report_sha256": a.report_sha256}
                    for seat, a in approvals
                ],
                "locked_at": iso(events.get("stage.ranking_locked")),
                "deanonymised_at": iso(events.get("stage.deanonymised")),
            }
        )
    return rows
