"""The officer's records page: the competition's retention period and its minimisation runs."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compete.audit.services import Actor
from compete.competitions import queries as competition_queries
from compete.competitions.permissions import can_manage_competition, officer_organisation
from compete.core.errors import DomainError
from compete.extensions import db
from compete.records import services
from compete.records.forms import RetentionForm
from compete.records.minimisation import runs_of
from compete.records.retention import ended_at, retention_ends_at

bp = Blueprint("records", __name__)


@bp.route("/manage/competitions/<slug>/records", methods=["GET", "POST"])
@login_required
def records_page(slug: str):
    competition = competition_queries.competition_by_slug(slug)
    if competition is None:
        abort(404)
    if not can_manage_competition(current_user, competition):
        abort(403)
    lowest, highest = services.retention_bounds()
    form = RetentionForm(data=None if request.method == "POST" else {"years": competition.retention_years}).bound(
        lowest, highest
    )
    errors: list = []
    if form.validate_on_submit():
        actor = Actor(current_user, officer_organisation(current_user, competition, session.get("org_id")), "officer")
        try:
            services.set_retention(competition, actor, form.years.data, form.reason.data)
        except DomainError as exc:
            db.session.rollback()
            competition = competition_queries.competition_by_slug(slug)
            errors = [exc.message]
        else:
            db.session.commit()
            flash(_("The retention period is now %(years)s years.", years=form.years.data), "success")
            return redirect(url_for("records.records_page", slug=slug))
    status = 400 if (form.errors or errors) else 200
    return render_template(
        "records/records.html",
        competition=competition,
        ended=ended_at(competition, db.session),
        retention_ends=retention_ends_at(competition, db.session),
        runs=runs_of(competition.id),
        form=form,
        errors=errors,
    ), status
