"""Questions and answers, their export, and the audit trail."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from compete.competitions import qa, queries
from compete.competitions.forms import (
    AnswerForm,
    AuditFilterForm,
    choices,
)
from compete.competitions.manage.common import (
    PREFIX,
    _actor,
    _load,
)
from compete.competitions.snapshot import TIE_BREAK_RULES
from compete.competitions.views import bp
from compete.core import exports
from compete.core.errors import DomainError
from compete.core.formatting import format_iso
from compete.core.time import oslo_to_utc
from compete.extensions import db


@bp.get(f"{PREFIX}/<slug>/questions")
@login_required
def manage_questions(slug: str):
    competition = _load(slug)
    questions = queries.all_questions(competition)
    forms = {q.id: AnswerForm(prefix=f"q{q.id}", data={"public_body": q.body}) for q in questions if not q.published_at}
    return render_template(
        "competitions/manage/questions.html", competition=competition, questions=questions, forms=forms
    )


@bp.post(f"{PREFIX}/<slug>/questions/<int:question_id>/answer")
@login_required
def manage_answer(slug: str, question_id: int):
    competition = _load(slug)
    question = queries.question_of(competition, question_id)
    if question is None:
        abort(404)
    form = AnswerForm(prefix=f"q{question.id}")
    if form.validate_on_submit():
        try:
            qa.publish_answer(question, _actor(competition), answer=form.answer.data, public_body=form.public_body.data)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
            return redirect(url_for("competitions.manage_questions", slug=slug))
        db.session.commit()
        flash(_("The answer is published and every participant and follower was told."), "success")
        return redirect(url_for("competitions.manage_questions", slug=slug))
    questions = queries.all_questions(competition)
    forms = {q.id: AnswerForm(prefix=f"q{q.id}", data={"public_body": q.body}) for q in questions if not q.published_at}
    forms[question.id] = form
    return render_template(
        "competitions/manage/questions.html", competition=competition, questions=questions, forms=forms
    ), 400


@bp.get(f"{PREFIX}/<slug>/questions.csv")
@login_required
def manage_questions_csv(slug: str):
    competition = _load(slug)
    rows = (
        [
            q.id,
            format_iso(q.asked_at),
            q.organisation.name if q.organisation else "",
            q.body,
            q.public_body or "",
            q.answer or "",
            format_iso(q.published_at) if q.published_at else "",
        ]
        for q in queries.all_questions(competition)
    )
    header = ["id", "asked_at", "organisation", "question", "published_question", "answer", "published_at"]
    return exports.csv_response(header, rows, f"{competition.slug}-questions.csv")


@bp.get(f"{PREFIX}/<slug>/audit")
@login_required
def manage_audit(slug: str):
    competition = _load(slug)
    form = AuditFilterForm(request.args)
    form.action.choices = choices([("", _("All actions")), *((a, a) for a in queries.audit_actions(competition))])
    entries = []
    if form.validate():
        since = oslo_to_utc(datetime.combine(form.date_from.data, time())) if form.date_from.data else None
        until = (
            oslo_to_utc(datetime.combine(form.date_to.data + timedelta(days=1), time())) if form.date_to.data else None
        )
        entries = queries.audit_trail(competition, action=form.action.data or None, since=since, until=until)
    return render_template(
        "competitions/manage/audit.html", competition=competition, form=form, entries=entries, tie_break=TIE_BREAK_RULES
    )
