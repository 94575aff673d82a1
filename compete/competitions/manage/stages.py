"""Stages, criteria and submission templates."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from compete.competitions import services
from compete.competitions.forms import (
    ActionForm,
    CriteriaForm,
    StageForm,
    SubmissionTemplateForm,
)
from compete.competitions.manage.common import (
    PREFIX,
    _actor,
    _form_page,
    _load,
    _local,
    _pad,
    _refused,
    _stage,
)
from compete.competitions.views import bp
from compete.core.errors import DomainError
from compete.extensions import db


@bp.route(f"{PREFIX}/<slug>/stages/new", methods=["GET", "POST"])
@bp.route(f"{PREFIX}/<slug>/stages/<int:position>", methods=["GET", "POST"])
@login_required
def manage_stage(slug: str, position: int | None = None):
    competition = _load(slug)
    stage = _stage(competition, position) if position is not None else None
    data = None
    if request.method == "GET" and stage is not None:
        data = {
            "name": stage.name,
            "kind": stage.kind.value,
            "description": stage.description,
            "opens_at": _local(stage.opens_at),
            "deadline_at": _local(stage.deadline_at),
            "question_deadline_at": _local(stage.question_deadline_at),
            "advancing_count": stage.advancing_count,
            "award_amount": stage.award_amount,
            "anonymous": stage.anonymous,
        }
    form = StageForm(data=data)
    if form.validate_on_submit():
        try:
            saved = services.save_stage(
                competition, _actor(competition), stage, form.values(), change_note=form.change_note.data or ""
            )
        except DomainError as exc:
            errors = _refused(exc)
            return _form_page(
                "competitions/manage/form.html", _load(slug), form, status=400, errors=errors, stage=stage
            )
        db.session.commit()
        flash(_("The stage %(name)s was saved.", name=saved.name), "success")
        return redirect(url_for("competitions.manage_detail", slug=slug))
    return _form_page(
        "competitions/manage/form.html", competition, form, status=400 if form.errors else 200, stage=stage
    )


@bp.post(f"{PREFIX}/<slug>/stages/<int:position>/delete")
@login_required
def manage_stage_delete(slug: str, position: int):
    competition = _load(slug)
    stage = _stage(competition, position)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.delete_stage(stage, _actor(competition))
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for("competitions.manage_detail", slug=slug))
    db.session.commit()
    flash(_("The stage was removed."), "success")
    return redirect(url_for("competitions.manage_detail", slug=slug))


def _descriptor_text(descriptors: dict) -> str:
    return "\n".join(f"{k}: {v}" for k, v in sorted(descriptors.items(), key=lambda i: int(i[0])))


@bp.route(f"{PREFIX}/<slug>/stages/<int:position>/criteria", methods=["GET", "POST"])
@login_required
def manage_criteria(slug: str, position: int):
    competition = _load(slug)
    stage = _stage(competition, position)
    data = None
    if request.method == "GET":
        data = {
            "rows": [
                {
                    "name": c.name,
                    "description": c.description,
                    "weight": c.weight,
                    "scale_min": c.scale_min,
                    "scale_max": c.scale_max,
                    "descriptors": _descriptor_text(c.descriptors),
                }
                for c in stage.criteria
            ],
            "tie_break_rule": stage.tie_break_rule or "",
        }
    form = CriteriaForm(data=data)
    if request.method == "GET":
        _pad(form.rows, len(stage.criteria) + 2)
    if form.validate_on_submit():
        try:
            services.save_criteria(
                stage,
                _actor(competition),
                form.values(),
                tie_break_rule=form.tie_break_rule.data or None,
                change_note=form.change_note.data or "",
            )
        except DomainError as exc:
            errors = _refused(exc)
            competition = _load(slug)
            return _form_page(
                "competitions/manage/form.html",
                competition,
                form,
                status=400,
                errors=errors,
                stage=_stage(competition, position),
            )
        db.session.commit()
        flash(_("The criteria were saved."), "success")
        return redirect(url_for("competitions.manage_detail", slug=slug))
    return _form_page(
        "competitions/manage/form.html", competition, form, status=400 if form.errors else 200, stage=stage
    )


@bp.route(f"{PREFIX}/<slug>/stages/<int:position>/template", methods=["GET", "POST"])
@login_required
def manage_template(slug: str, position: int):
    competition = _load(slug)
    stage = _stage(competition, position)
    data = None
    if request.method == "GET":
        data = {
            "form_fields": [
                {
                    "key": f.key,
                    "kind": f.kind,
                    "label": f.label,
                    "help_text": f.help_text,
                    "word_limit": f.word_limit,
                    "required": f.required,
                    "personal_data": f.personal_data,
                }
                for f in stage.fields
            ],
            "slots": [
                {
                    "key": f.key,
                    "label": f.label,
                    "allowed_types": f.allowed_types,
                    "max_mb": f.max_mb,
                    "required": f.required,
                }
                for f in stage.file_slots
            ],
        }
    form = SubmissionTemplateForm(data=data)
    if request.method == "GET":
        _pad(form.form_fields, len(stage.fields) + 2)
        _pad(form.slots, len(stage.file_slots) + 1)
    if form.validate_on_submit():
        fields, slots = form.values()
        try:
            services.save_submission_template(
                stage, _actor(competition), fields, slots, change_note=form.change_note.data or ""
            )
        except DomainError as exc:
            errors = _refused(exc)
            competition = _load(slug)
            return _form_page(
                "competitions/manage/form.html",
                competition,
                form,
                status=400,
                errors=errors,
                stage=_stage(competition, position),
            )
        db.session.commit()
        flash(_("The submission template was saved."), "success")
        return redirect(url_for("competitions.manage_detail", slug=slug))
    return _form_page(
        "competitions/manage/form.html", competition, form, status=400 if form.errors else 200, stage=stage
    )
