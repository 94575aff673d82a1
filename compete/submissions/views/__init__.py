"""Participant pages (start, write, upload, submit, receipts, dashboard) and the officers' receipt
log, deadline extension and formal check."""

from __future__ import annotations

from flask import Blueprint, abort, flash
from flask_login import current_user

from compete.audit.services import Actor
from compete.competitions import queries as competition_queries
from compete.competitions.permissions import officer_organisation
from compete.core.errors import DomainError
from compete.extensions import db
from compete.submissions import permissions, queries, services

bp = Blueprint("submissions", __name__)


def _competition_stage(slug: str, position: int):
    """The competition (with its owners) and one of its stages: not the other stages, their
    criteria and the categories, which a participant's start page does not read or reads once."""
    found = competition_queries.competition_and_stage(slug, position)
    if found is None:
        abort(404)
    return found


def _own_submission(submission_id: int):
    submission = queries.submission_by_id(submission_id)
    if submission is None:
        abort(404)
    if not permissions.can_edit_submission(current_user, submission):
        abort(403)
    return submission


def _flash_refusal(exc: DomainError, transaction=None, *, outcome: str | None = None) -> None:
    """End the refused work's transaction (or savepoint) and say why. A late attempt's log is
    kept (R15); anything else the refused work wrote is rolled back.

    `outcome` says what became of the draft (a file's refusal does not know whether the same save
    kept the text). A late attempt's message already says that nothing was changed."""
    transaction = transaction or db.session
    late = isinstance(exc, services.DeadlinePassed)
    if late:
        transaction.commit()  # keep the log of the late attempt (R15)
    else:
        transaction.rollback()
    _say_refused(exc, outcome=None if late else outcome)


def _say_refused(exc: DomainError, *, outcome: str | None = None) -> None:
    flash(str(exc.message), "error")
    for detail in exc.details:
        flash(detail, "error")
    if outcome:
        flash(outcome, "info")


MANAGE = "/manage/competitions/<slug>/stages/<int:position>"


def _staff_stage(slug: str, position: int, predicate):
    found = competition_queries.competition_and_stage(slug, position)
    if found is None:
        abort(404)
    competition, stage = found
    if not predicate(current_user, competition):
        abort(403)
    return competition, stage


def _staff_actor(competition) -> Actor:
    organisation = officer_organisation(current_user, competition)
    return Actor(current_user, organisation, "officer" if organisation is not None else "functionary")


# Routes live in the sub-modules; importing them registers them on `bp`.
from compete.submissions.views import manage, participant, receipts  # noqa: E402, F401
