"""Exports of the jury package: score sheets (CSV, XLSX) and the jury report (PDF), for the
competition's officers and the jury's chair; the chair's copy hides the entries they are
conflicted on (R22)."""

from __future__ import annotations

from flask import Response, abort
from flask_login import current_user, login_required

from compete.jury import exports, permissions
from compete.jury.views import _stage, bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _exportable(stage_id: int):
    stage = _stage(stage_id)
    if not permissions.can_export(current_user, stage):
        abort(403)
    return stage


def _download(data: bytes, mimetype: str, name: str) -> Response:
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _name(stage, suffix: str) -> str:
    return f"jury-{stage.competition.slug}-{stage.position}-{suffix}"


@bp.get("/jury/stages/<int:stage_id>/scores.csv")
@login_required
def scores_csv(stage_id: int):
    stage = _exportable(stage_id)
    return _download(
        exports.score_sheet_csv(stage, permissions.hidden_entries(current_user, stage)),
        "text/csv; charset=utf-8",
        _name(stage, "scores.csv"),
    )


@bp.get("/jury/stages/<int:stage_id>/scores.xlsx")
@login_required
def scores_xlsx(stage_id: int):
    stage = _exportable(stage_id)
    return _download(
        exports.score_sheet_xlsx(stage, permissions.hidden_entries(current_user, stage)),
        XLSX,
        _name(stage, "scores.xlsx"),
    )


@bp.get("/jury/stages/<int:stage_id>/report.pdf")
@login_required
def report_pdf(stage_id: int):
    stage = _exportable(stage_id)
    return _download(
        exports.report_pdf(stage, permissions.hidden_entries(current_user, stage)),
        "application/pdf",
        _name(stage, "report.pdf"),
    )
