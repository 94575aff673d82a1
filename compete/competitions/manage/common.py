"""Helpers shared by the officer pages."""

from __future__ import annotations

from flask import abort, current_app, render_template, session
from flask_login import current_user

from compete.audit.services import Actor
from compete.competitions import permissions, queries
from compete.core.errors import DomainError
from compete.core.time import to_oslo
from compete.extensions import db

PREFIX = "/manage/competitions"


def _min_window_days() -> int:
    return int(current_app.config.get("MIN_SUBMISSION_WINDOW_DAYS", 14))


def _load(slug: str):
    competition = queries.competition_for_editing(slug)
    if competition is None:
        abort(404)
    if not permissions.can_manage_competition(current_user, competition):
        abort(403)
    return competition


def _actor(competition) -> Actor:
    organisation = permissions.officer_organisation(current_user, competition, session.get("org_id"))
    return Actor(current_user, organisation, "officer")


def _stage(competition, position: int):
    stage = next((s for s in competition.stages if s.position == position), None)
    if stage is None:
        abort(404)
    return stage


def _form_page(template: str, competition, form, *, status: int = 200, errors=(), **context):
    return render_template(template, competition=competition, form=form, errors=list(errors), **context), status


def _refused(exc: DomainError) -> list:
    db.session.rollback()
    return [exc.message, *exc.details]


def _pad(field_list, count: int) -> None:
    while len(field_list) < count:
        field_list.append_entry()


def _local(value):
    return None if value is None else to_oslo(value).replace(tzinfo=None)
