"""The call itself: list, create, texts, eligibility, publish, cancel, co-owners, templates."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compete.audit.services import Actor
from compete.competitions import cockpit, permissions, queries, services
from compete.competitions.forms import (
    ActionForm,
    CancelForm,
    CoOwnerForm,
    EligibilityForm,
    NewCompetitionForm,
    SaveTemplateForm,
    SettingsForm,
    choices,
)
from compete.competitions.manage.common import (
    PREFIX,
    _actor,
    _form_page,
    _load,
    _min_window_days,
    _pad,
    _refused,
)
from compete.competitions.snapshot import check_call
from compete.competitions.views import bp
from compete.core.errors import DomainError
from compete.core.time import now
from compete.extensions import db


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
        cockpit=cockpit.build(competition, at=moment),
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
                {
                    "name": c.name,
                    "definition": c.definition,
                    "self_check_question": c.self_check_question,
                    "max_registration_years": c.max_registration_years,
                }
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


@bp.post(f"{PREFIX}/<slug>/publish")
@login_required
def manage_publish(slug: str):
    competition = _load(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.publish(competition, _actor(competition), min_window_days=_min_window_days())
    except DomainError as exc:
        # Each missing item once, under the summary's own heading (not the refusal's sentence again).
        errors = exc.details if exc.code == "incomplete" else _refused(exc)
        db.session.rollback()
        competition = _load(slug)
        moment = now()
        return render_template(
            "competitions/manage/detail.html",
            competition=competition,
            check=check_call(competition, at=moment, min_window_days=_min_window_days()),
            versions=queries.versions_of(competition),
            cockpit=cockpit.build(competition, at=moment),
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
