"""Participants: their letters (page and PDF), complaints during the standstill, their outcomes;
everyone: the public results page."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compete.accounts.queries import acting_organisation
from compete.awards import permissions, queries, services
from compete.awards.forms import ComplaintForm
from compete.awards.letters import letter_pdf
from compete.awards.views import _competition, _refused, _stage, bp
from compete.competitions.permissions import can_view_call
from compete.core.errors import DomainError
from compete.core.time import now
from compete.extensions import db


def _visible_notice(notice_id: int):
    notice = queries.notice_by_id(notice_id)
    if notice is None:
        abort(404)
    if not permissions.can_view_notice(current_user, notice):
        abort(403)
    return notice


@bp.get("/notices/<int:notice_id>")
@login_required
def notice_page(notice_id: int):
    notice = _visible_notice(notice_id)
    decision = notice.decision
    may_complain = (
        decision.standstill_ends_at is not None
        and now() <= decision.standstill_ends_at
        and permissions.can_complain(current_user, decision, acting_organisation(current_user))
    )
    return render_template(
        "awards/notice.html", notice=notice, letter=services.hydrate(notice.letter), may_complain=may_complain
    )


@bp.get("/notices/<int:notice_id>.pdf")
@login_required
def notice_pdf(notice_id: int):
    notice = _visible_notice(notice_id)
    return Response(
        letter_pdf(notice),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="decision-{notice.letter["code"]}.pdf"'},
    )


@bp.get("/my/decisions")
@login_required
def my_decisions():
    return render_template("awards/my_decisions.html", notices=queries.notices_of_user(current_user), now=now())


@bp.route("/competitions/<slug>/stages/<int:position>/complaint", methods=["GET", "POST"])
@login_required
def complain(slug: str, position: int):
    competition = _competition(slug)
    stage = _stage(competition, position)
    decision = services.decision_for(stage)
    if decision is None or decision.notices_sent_at is None:
        abort(404)
    organisation = acting_organisation(current_user)
    if not permissions.can_complain(current_user, decision, organisation):
        abort(403)
    form = ComplaintForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.register_complaint(decision, current_user, organisation, form.text.data, str(get_locale() or "nb"))
        except DomainError as exc:
            _refused(exc)
            status = 422
        else:
            db.session.commit()
            flash(_("Your complaint was registered. The contract step waits for the buyer's response."), "success")
            return redirect(url_for("awards.my_decisions"))
    elif form.is_submitted():
        status = 400
    own = [c for c in decision.complaints if c.organisation_id == organisation.id]
    return (
        render_template(
            "awards/complaint.html",
            competition=competition,
            stage=stage,
            decision=decision,
            form=form,
            complaints=own,
            open=now() <= decision.standstill_ends_at,
        ),
        status,
    )


@bp.get("/competitions/<slug>/results")
def results(slug: str):
    competition = _competition(slug)
    if not can_view_call(current_user, competition):
        abort(404)
    decisions = queries.decisions_of(competition, announced_only=True)
    winner = next((d.selections[0] for d in decisions if d.is_final and d.selections), None)
    return render_template(
        "awards/results.html",
        competition=competition,
        decisions=decisions,
        visible={d.id: services.names_visible(d.stage) for d in decisions},
        winner=winner,
    )
