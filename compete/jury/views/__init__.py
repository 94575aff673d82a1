"""Jury pages: the juror's (briefing, declaration, queue, entry with scorecard and clarifications,
ranking, report, progress for the chair), the officers' (seats, rulings, assignment, progress,
start of scoring, de-anonymisation), the functionary's clarification desk, the participant's
answers, and the exports (score sheets as CSV/XLSX, the report as PDF)."""

from __future__ import annotations

from flask import Blueprint, abort, flash
from flask_login import current_user
from sqlalchemy.orm import joinedload

from compete.audit.services import Actor
from compete.competitions import queries as competition_queries
from compete.competitions.models import Stage
from compete.competitions.permissions import officer_organisation
from compete.core import navflags
from compete.core.errors import DomainError
from compete.extensions import db
from compete.jury import permissions, queries
from compete.jury.models import JurySeat
from compete.submissions.models import Submission

bp = Blueprint("jury", __name__, url_prefix="")


@bp.app_template_global()
def jury_nav() -> bool:
    """Show the jury link only to people who sit on a jury."""
    return navflags.flag("jury_seat")


@bp.app_template_global()
def jury_submission_panel(submission: Submission) -> dict:
    """The jury's side of one submission for officers and the functionary: clarification minutes
    and, once the ranking is locked, the submitted scorecards and the jury's remark."""
    stage = submission.stage
    if not (permissions.can_manage_jury(current_user, stage) or permissions.is_functionary(current_user, stage)):
        return {"clarifications": [], "locked": False, "cards": [], "remark": None, "criteria": {}}
    return queries.submission_panel(submission)


@bp.app_template_global()
def jury_label(key: str, value) -> str:
    """The readable, translated text for a code in the jury's records (answer, ruling, method), R47."""
    from compete.audit.protocol import value_label
    from compete.jury import protocol  # noqa: F401  (registers the jury's labels)

    return value_label(key, "" if value is None else str(value))


MANAGE = "/manage/competitions/<slug>/stages/<int:position>"


def _refused(exc: DomainError) -> None:
    db.session.rollback()
    flash(str(exc.message), "error")
    for detail in exc.details:
        flash(detail, "error")


def _stage(stage_id: int, *, configuration: bool = False) -> Stage:
    """With its competition (the header and the audit entries read it): one statement, not two.
    `configuration` adds the template's fields, the file slots and the criteria in the same
    statement (a juror's entry page shows all three; a few rows each)."""
    options = [joinedload(Stage.competition)]
    if configuration:
        options += [joinedload(Stage.fields), joinedload(Stage.file_slots), joinedload(Stage.criteria)]
    stage = db.session.get(Stage, stage_id, options=options)
    if stage is None:
        abort(404)
    return stage


def _my_seat(stage: Stage) -> JurySeat:
    seat = permissions.seat_of(current_user, stage)
    if seat is None:
        abort(403)
    return seat


def _entry(stage: Stage, code: str) -> Submission:
    entry = queries.entry_by_code(stage, code)
    if entry is None:
        abort(404)
    return entry


def _competition_stage(slug: str, position: int) -> Stage:
    competition = competition_queries.competition_by_slug(slug)
    if competition is None:
        abort(404)
    stage = next((s for s in competition.stages if s.position == position), None)
    if stage is None:
        abort(404)
    return stage


def _officer_stage(slug: str, position: int) -> Stage:
    stage = _competition_stage(slug, position)
    if not permissions.can_manage_jury(current_user, stage):
        abort(403)
    return stage


def _officer(stage: Stage) -> Actor:
    return Actor(current_user, officer_organisation(current_user, stage.competition), "officer")


# Routes live in the sub-modules; importing them registers them on `bp`.
from compete.jury.views import clarifications, exports, jurors, manage  # noqa: E402, F401
