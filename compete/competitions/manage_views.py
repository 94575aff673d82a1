"""Officer pages under /manage/competitions: author, publish, amend, cancel, co-own, Q&A, audit trail."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta

from flask import Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compete.audit.services import Actor
from compete.competitions import permissions, qa, queries, services
from compete.competitions.forms import (
    ActionForm,
    AnswerForm,
    AuditFilterForm,
    CancelForm,
    CoOwnerForm,
    CriteriaForm,
    EligibilityForm,
    NewCompetitionForm,
    SaveTemplateForm,
    SettingsForm,
    StageForm,
    SubmissionTemplateForm,
    choices,
)
from compete.competitions.snapshot import TIE_BREAK_RULES, check_call
from compete.competitions.views import bp
from compete.core.errors import DomainError
from compete.core.formatting import format_iso
from compete.core.time import now, oslo_to_utc, to_oslo
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


@bp.get(PREFIX)
@login_required
def manage_index():
    organisations = permissions.buyer_organisations(current_user)
    if not organisations:
        abort(403)
    competitions = queries.managed_competitions([o.id for o in organisations])
    return render_template("competitions/manage/index.html", competitions=competitions, now=now())


@bp.route(f"{PREFIX}/new", methods=["GET", "POST"])
@login_required
def manage_new():
    organisations = permissions.buyer_organisations(current_user)
    if not permissions.can_create_competition(current_user):
        abort(403)
    org_ids = [o.id for o in organisations]
    form = NewCompetitionForm()
    form.buyer.choices = choices((o.id, o.name) for o in organisations)
    sources = [("", _("A blank call"))]
    sources += [
        (f"competition:{c.id}", _("Copy of %(title)s", title=c.title)) for c in queries.managed_competitions(org_ids)
    ]
    sources += [(f"template:{t.id}", _("Template: %(name)s", name=t.name)) for t in queries.templates_for(org_ids)]
    form.source.choices = choices(sources)
    if form.validate_on_submit():
        buyer = next(o for o in organisations if o.id == form.buyer.data)
        source = None
        if form.source.data.startswith("competition:"):
            source = queries.competition_by_id(int(form.source.data.split(":")[1]))
        elif form.source.data.startswith("template:"):
            source = queries.template_by_id(int(form.source.data.split(":")[1]))
        try:
            competition = services.create_competition(
                Actor(current_user, buyer, "officer"),
                buyer,
                title=form.title.data,
                slug=form.slug.data,
                source=source,
            )
        except DomainError as exc:
            return _form_page("competitions/manage/new.html", None, form, status=400, errors=_refused(exc))
        db.session.commit()
        flash(_("The draft was created."), "success")
        return redirect(url_for("competitions.manage_detail", slug=competition.slug))
    return _form_page("competitions/manage/new.html", None, form, status=400 if form.errors else 200)


@bp.get(f"{PREFIX}/<slug>")
@login_required
def manage_detail(slug: str):
    competition = _load(slug)
    moment = now()
    return render_template(
        "competitions/manage/detail.html",
        competition=competition,
        check=check_call(competition, at=moment, min_window_days=_min_window_days()),
        versions=queries.versions_of(competition),
        action_form=ActionForm(),
        template_form=SaveTemplateForm(),
        now=moment,
    )


@bp.route(f"{PREFIX}/<slug>/settings", methods=["GET", "POST"])
@login_required
def manage_settings(slug: str):
    competition = _load(slug)
    tristate = {True: "binding", False: "advisory"}
    yes_no = {True: "yes", False: "no"}
    form = SettingsForm(
        data=None
        if request.method == "POST"
        else {
            "title": competition.title,
            "summary": competition.summary,
            "background": competition.background,
            "budget": competition.budget,
            "jury_binding": tristate.get(competition.jury_binding),
            "follow_on_contract": yes_no.get(competition.follow_on_contract),
            "ipr_terms": competition.ipr_terms,
            "standstill_days": competition.standstill_days,
            "default_language": competition.default_language,
        }
    )
    if form.validate_on_submit():
        try:
            services.update_settings(
                competition, _actor(competition), form.values(), change_note=form.change_note.data or ""
            )
        except DomainError as exc:
            errors = _refused(exc)
            return _form_page("competitions/manage/form.html", _load(slug), form, status=400, errors=errors)
        db.session.commit()
        flash(_("The call was saved."), "success")
        return redirect(url_for("competitions.manage_detail", slug=slug))
    return _form_page("competitions/manage/form.html", competition, form, status=400 if form.errors else 200)


@bp.route(f"{PREFIX}/<slug>/eligibility", methods=["GET", "POST"])
@login_required
def manage_eligibility(slug: str):
    competition = _load(slug)
    form = EligibilityForm(
        data=None
        if request.method == "POST"
        else {
            "rows": [
                {"name": c.name, "definition": c.definition, "self_check_question": c.self_check_question}
                for c in competition.eligibility_categories
            ]
        }
    )
    if request.method == "GET":
        _pad(form.rows, len(competition.eligibility_categories) + 2)
    if form.validate_on_submit():
        try:
            services.save_eligibility(
                competition, _actor(competition), form.values(), change_note=form.change_note.data or ""
            )
        except DomainError as exc:
            errors = _refused(exc)
            return _form_page("competitions/manage/form.html", _load(slug), form, status=400, errors=errors)
        db.session.commit()
        flash(_("The eligibility categories were saved."), "success")
        return redirect(url_for("competitions.manage_detail", slug=slug))
    return _form_page("competitions/manage/form.html", competition, form, status=400 if form.errors else 200)


def _pad(field_list, count: int) -> None:
    while len(field_list) < count:
        field_list.append_entry()


def _local(value):
    return None if value is None else to_oslo(value).replace(tzinfo=None)


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


@bp.post(f"{PREFIX}/<slug>/publish")
@login_required
def manage_publish(slug: str):
    competition = _load(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.publish(competition, _actor(competition), min_window_days=_min_window_days())
    except DomainError as exc:
        errors = _refused(exc)
        competition = _load(slug)
        moment = now()
        return render_template(
            "competitions/manage/detail.html",
            competition=competition,
            check=check_call(competition, at=moment, min_window_days=_min_window_days()),
            versions=queries.versions_of(competition),
            action_form=ActionForm(),
            template_form=SaveTemplateForm(),
            errors=errors,
            now=moment,
        ), 400
    db.session.commit()
    flash(_("The call is published as version 1."), "success")
    return redirect(url_for("competitions.manage_detail", slug=slug))


@bp.route(f"{PREFIX}/<slug>/cancel", methods=["GET", "POST"])
@login_required
def manage_cancel(slug: str):
    competition = _load(slug)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            services.cancel(competition, _actor(competition), form.reason.data)
        except DomainError as exc:
            errors = _refused(exc)
            return _form_page("competitions/manage/form.html", _load(slug), form, status=400, errors=errors)
        db.session.commit()
        flash(_("The competition is cancelled and everyone following it was told."), "success")
        return redirect(url_for("competitions.manage_detail", slug=slug))
    return _form_page("competitions/manage/form.html", competition, form, status=400 if form.errors else 200)


@bp.route(f"{PREFIX}/<slug>/owners", methods=["GET", "POST"])
@login_required
def manage_owners(slug: str):
    competition = _load(slug)
    form = CoOwnerForm()
    if form.validate_on_submit():
        organisation = queries.organisation_by_orgnr("".join(ch for ch in form.orgnr.data if ch.isdigit()))
        if organisation is None:
            form.orgnr.errors.append(_("No organisation has this number."))
            return _form_page("competitions/manage/form.html", competition, form, status=400)
        try:
            services.add_co_owner(competition, _actor(competition), organisation)
        except DomainError as exc:
            errors = _refused(exc)
            return _form_page("competitions/manage/form.html", _load(slug), form, status=400, errors=errors)
        db.session.commit()
        flash(_("%(name)s is now co-owner.", name=organisation.name), "success")
        return redirect(url_for("competitions.manage_detail", slug=slug))
    return _form_page("competitions/manage/form.html", competition, form, status=400 if form.errors else 200)


@bp.post(f"{PREFIX}/<slug>/save-template")
@login_required
def manage_save_template(slug: str):
    competition = _load(slug)
    form = SaveTemplateForm()
    if not form.validate_on_submit():
        flash(_("Give the template a name."), "error")
        return redirect(url_for("competitions.manage_detail", slug=slug))
    template = services.save_as_template(competition, _actor(competition), form.name.data)
    db.session.commit()
    flash(_("Saved as the template %(name)s.", name=template.name), "success")
    return redirect(url_for("competitions.manage_detail", slug=slug))


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
        flash(_("The answer is published and every follower was told."), "success")
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
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", "asked_at", "organisation", "question", "published_question", "answer", "published_at"])
    for q in queries.all_questions(competition):
        writer.writerow(
            [
                q.id,
                format_iso(q.asked_at),
                q.organisation.name if q.organisation else "",
                q.body,
                q.public_body or "",
                q.answer or "",
                format_iso(q.published_at) if q.published_at else "",
            ]
        )
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{competition.slug}-questions.csv"'},
    )


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
