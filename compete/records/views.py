"""The officer's records page: the competition's retention period and its minimisation runs."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from compete.competitions import queries as competition_queries
from compete.competitions.permissions import can_manage_competition
from compete.extensions import db
from compete.records.minimisation import runs_of
from compete.records.retention import ended_at, retention_ends_at

bp = Blueprint("records", __name__)


@bp.get("/manage/competitions/<slug>/records")
@login_required
def records_page(slug: str):
    competition = competition_queries.competition_by_slug(slug)
    if competition is None:
        abort(404)
    if not can_manage_competition(current_user, competition):
        abort(403)
    return render_template(
        "records/records.html",
        competition=competition,
        ended=ended_at(competition, db.session),
        retention_ends=retention_ends_at(competition, db.session),
        runs=runs_of(competition.id),
    )
