"""Officer pages (decision, notices, complaint register, awards), participant pages (letters,
complaints, outcomes) and the public results page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, session
from flask_login import current_user

from compete.audit.services import Actor
from compete.competitions import queries as competition_queries
from compete.competitions.permissions import officer_organisation
from compete.core import navflags
from compete.core.errors import DomainError
from compete.extensions import db

bp = Blueprint("awards", __name__)


@bp.app_template_global()
def decisions_nav() -> bool:
    """Show the decisions link only to members of organisations that have received a notice."""
    return navflags.flag("notices")


@bp.app_template_global()
def submission_outcomes() -> dict:
    """submission id -> (outcome, notice) of the sent decision letters to the signed-in user's
    organisations, for "My submissions" (one query)."""
    from compete.awards import queries

    if not current_user.is_authenticated:
        return {}
    return {n.submission_id: n for n in queries.notices_of_user(current_user, sent_only=True)}


@bp.app_template_global()
def announced_stage_ids(competition) -> set[int]:
    """Stages of `competition` whose decision has been announced to the participants (R31)."""
    from compete.awards import queries

    return queries.announced_stage_ids(competition)


MANAGE = "/manage/competitions/<slug>"


def _competition(slug: str):
    competition = competition_queries.competition_by_slug(slug)
    if competition is None:
        abort(404)
    return competition


def _officer_competition(slug: str, predicate):
    competition = _competition(slug)
    if not predicate(current_user, competition):
        abort(403)
    return competition


def _stage(competition, position: int):
    stage = next((s for s in competition.stages if s.position == position), None)
    if stage is None:
        abort(404)
    return stage


def _officer(competition) -> Actor:
    return Actor(current_user, officer_organisation(current_user, competition, session.get("org_id")), "officer")


def _refused(exc: DomainError) -> None:
    db.session.rollback()
    flash(str(exc.message), "error")
    for detail in exc.details:
        flash(detail, "error")


# Routes live in the sub-modules; importing them registers them on `bp`.
from compete.awards.views import buyer, manage, participant  # noqa: E402, F401
