"""Clarification questions (R26): the functionary's desk (officers read the minutes) and the
participant's page where they answer. A juror never reaches either (R24)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compete.core.errors import DomainError
from compete.extensions import db
from compete.jury import permissions, queries, services
from compete.jury.forms import AnswerForm, DeclineForm, ForwardForm, RelayForm
from compete.jury.models import Clarification
from compete.jury.views import MANAGE, _competition_stage, _refused, bp


@bp.get(f"{MANAGE}/clarifications")
@login_required
def clarifications(slug: str, position: int):
    stage = _competition_stage(slug, position)
    if not permissions.can_view_clarifications(current_user, stage):
        abort(403)
    return render_template(
        "jury/clarifications.html",
        stage=stage,
        items=queries.clarifications_of_stage(stage),
        handles=permissions.is_functionary(current_user, stage),
        forward_form=ForwardForm(formdata=None),
        decline_form=DeclineForm(formdata=None),
        relay_form=RelayForm(formdata=None),
    )


@bp.post(f"{MANAGE}/clarifications/<int:clarification_id>/<any(forward, decline, relay):step>")
@login_required
def handle_clarification(slug: str, position: int, clarification_id: int, step: str):
    stage = _competition_stage(slug, position)
    if not permissions.is_functionary(current_user, stage):
        abort(403)
    clarification = db.session.get(Clarification, clarification_id)
    if clarification is None or clarification.stage_id != stage.id:
        abort(404)
    form, action, field = {
        "forward": (ForwardForm(), services.forward, "question"),
        "decline": (DeclineForm(), services.decline, "reason"),
        "relay": (RelayForm(), services.relay, "answer"),
    }[step]
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    else:
        try:
            action(clarification, current_user, getattr(form, field).data)
        except DomainError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(
                {
                    "forward": _("The question was sent to the participant."),
                    "decline": _("The question was declined; the juror was told."),
                    "relay": _("The answer was passed on to the jury."),
                }[step],
                "success",
            )
    return redirect(url_for("jury.clarifications", slug=slug, position=position) + f"#clarification-{clarification_id}")


@bp.get("/my/clarifications")
@login_required
def my_clarifications():
    return render_template("jury/my_clarifications.html", items=queries.clarifications_for_user(current_user))


@bp.route("/my/clarifications/<int:clarification_id>", methods=["GET", "POST"])
@login_required
def answer_clarification(clarification_id: int):
    clarification = db.session.get(Clarification, clarification_id)
    if clarification is None or clarification.forwarded_at is None:
        abort(404)
    if not permissions.can_answer_clarification(current_user, clarification):
        abort(403)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            services.respond(clarification, current_user, form.answer.data)
        except DomainError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("Your answer was sent to the functionary."), "success")
            return redirect(url_for("jury.answer_clarification", clarification_id=clarification.id))
    return render_template("jury/answer_clarification.html", clarification=clarification, form=form)
