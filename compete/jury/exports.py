"""The jury package as files: score sheets with every juror's scores and justifications (CSV and
XLSX) and the jury report (PDF). Entries appear by code until the stage is de-anonymised (R24,
R30), with the organisation's name after; conflicted cells say so (R22)."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from compete.audit.protocol import iso
from compete.competitions.states import StageState
from compete.core.exports import csv_bytes, xlsx_bytes
from compete.extensions import db
from compete.jury import queries
from compete.jury.models import JurySeat, ReportApproval, Score, Scorecard

REVEALED = (StageState.DEANONYMISED, StageState.DECIDED)


def revealed(stage) -> bool:
    return stage.state in REVEALED


def score_sheet(stage, hidden: set | frozenset = frozenset()) -> tuple[list[str], list[list]]:
    """Header and rows: one row per entry × juror × criterion, in a constant number of queries.
    Entries in `hidden` (the viewing juror's conflicts, R22) are left out entirely."""
    grid = queries.cells(stage)
    show_names = revealed(stage)
    scores = {
        (seat_id, submission_id, criterion_id): (value, justification, submitted_at)
        for seat_id, submission_id, criterion_id, value, justification, submitted_at in db.session.execute(
            select(
                Scorecard.seat_id,
                Scorecard.submission_id,
                Score.criterion_id,
                Score.value,
                Score.justification,
                Scorecard.submitted_at,
            )
            .join(Score, Score.scorecard_id == Scorecard.id)
            .where(Scorecard.seat_id.in_([s.id for s in grid.seats]), Scorecard.submitted_at.is_not(None))
        )
    }
    header = [_("Entry")]
    if show_names:
        header.append(_("Organisation"))
    header += [_("Juror"), _("Seat"), _("Criterion"), _("Weight (%)"), _("Score"), _("Justification"), _("Status")]
    header.append(_("Submitted (UTC)"))
    labels = {
        "submitted": _("submitted"),
        "conflict": _("conflict"),
        "missing": _("missing"),
        "draft": _("missing"),  # a draft is the juror's own until submitted
        "not_assigned": _("not assigned"),
        "undeclared": _("not declared"),
    }
    seat_labels = {"chair": _("Chair"), "member": _("Member"), "user_representative": _("User representative")}
    rows = []
    for entry in grid.entries:
        if entry.id in hidden:
            continue
        for seat in grid.seats:
            status = grid.status(seat.id, entry.id)
            for criterion in stage.criteria:
                value, justification, at = scores.get((seat.id, entry.id, criterion.id), (None, "", None))
                row = [entry.code]
                if show_names:
                    row.append(entry.organisation.name)
                if status == "conflict":
                    value, justification, at = labels["conflict"], "", None
                row += [
                    seat.user.name,
                    seat_labels[seat.role.value],
                    criterion.name,
                    criterion.weight,
                    "" if value is None else value,
                    justification,
                    labels[status],
                    iso(at) or "",
                ]
                rows.append(row)
    return header, rows


def score_sheet_csv(stage, hidden: set | frozenset = frozenset()) -> bytes:
    header, rows = score_sheet(stage, hidden)
    return csv_bytes(header, rows, bom=True)


def _report(stage, hidden) -> dict:
    codes = {e.id: e.code for e in queries.entries(stage)}
    return queries.redacted(queries.jury_report(stage), {codes[i] for i in hidden if i in codes})


def ranking_rows(stage, hidden: set | frozenset = frozenset()) -> tuple[list[str], list[list]]:
    report = _report(stage, hidden)
    names = {e.code: e.organisation.name for e in queries.entries(stage)} if revealed(stage) else {}
    header = [_("Rank"), _("Entry")] + ([_("Organisation")] if names else [])
    header += [_("Total"), _("Tied with"), _("Agreed remark")]
    rows = []
    for r in report["ranking"]:
        row = [r["rank"], r["code"]] + ([names.get(r["code"], "")] if names else [])
        rows.append([*row, r["total"], ", ".join(r["tied_with"]), r["remark"]])
    return header, rows


def score_sheet_xlsx(stage, hidden: set | frozenset = frozenset()) -> bytes:
    return xlsx_bytes(
        [
            (_("Scores"), *score_sheet(stage, hidden)),
            (_("Ranking"), *ranking_rows(stage, hidden)),
        ]
    )


def report_data(stage, hidden: set | frozenset = frozenset()) -> dict:
    """The report plus what happened to it: approvals with times, lock and de-anonymisation times."""
    report = _report(stage, hidden)
    approvals = db.session.execute(
        select(JurySeat, ReportApproval.created_at)
        .join(ReportApproval, ReportApproval.seat_id == JurySeat.id)
        .where(JurySeat.stage_id == stage.id, JurySeat.replaced_at.is_(None))
        .order_by(ReportApproval.created_at)
    ).all()
    events = queries.stage_events(stage)
    names = {e.code: e.organisation.name for e in queries.entries(stage)} if revealed(stage) else {}
    return {
        "report": report,
        "approvals": [(seat.user.name, seat.role.value, at) for seat, at in approvals],
        "locked_at": events.get("stage.ranking_locked"),
        "deanonymised_at": events.get("stage.deanonymised"),
        "names": names,
    }


def report_pdf(stage, hidden: set | frozenset = frozenset()) -> bytes:
    from weasyprint import HTML

    html = render_template("jury/report_pdf.html", stage=stage, **report_data(stage, hidden))
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")  # tagged for screen readers (R46)
