"""The officers' jury page: seats and staff, rulings on doubts, the assignment, progress per juror
and per entry, opening scoring and de-anonymising."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from compete.accounts.queries import user_by_email
from compete.competitions.models import CompetitionStaff
from compete.core.errors import DomainError
from compete.extensions import db
from compete.jury import queries, services
from compete.jury.forms import AppointForm, AssignmentForm, EmptyForm, ReplaceForm, RuleForm
from compete.jury.models import Answer, AssignmentMode, EntryDeclaration, JurySeat, SeatRole
from compete.jury.services.assignment import BEFORE_SCORING
from compete.jury.views import MANAGE, _officer, _officer_stage, _refused, bp


@bp.route(f"{MANAGE}/jury", methods=["GET", "POST"])
@login_required
def manage(slug: str, position: int):
    stage = _officer_stage(slug, position)
    form = AppointForm()
    if request.method == "POST" and request.form.get("action") == "appoint" and form.validate_on_submit():
        user = user_by_email(form.email.data)
        if user is None:
            flash(_("No account has that e-mail address. Ask the juror to register first."), "error")
        else:
            try:
                if form.role.data in ("functionary", "verifier"):
                    services.appoint_staff(stage, user, form.role.data, _officer(stage))
                else:
                    services.appoint(stage, user, SeatRole(form.role.data), _officer(stage))
            except DomainError as exc:
                _refused(exc)
            else:
                db.session.commit()
                flash(_("The juror was appointed."), "success")
                return redirect(url_for("jury.manage", slug=slug, position=position))
    progress = queries.progress(stage)
    seats = [row["seat"] for row in progress["jurors"]]
    doubts = db.session.scalars(
        select(EntryDeclaration).where(
            EntryDeclaration.seat_id.in_([s.id for s in seats]),
            EntryDeclaration.answer == Answer.IN_DOUBT,
            EntryDeclaration.ruled_conflict.is_(None),
        )
    ).all()
    staff = db.session.scalars(
        select(CompetitionStaff)
        .where(CompetitionStaff.competition_id == stage.competition_id)
        .order_by(CompetitionStaff.role, CompetitionStaff.id)
    ).all()
    plan = progress["plan"]
    assignment_form = AssignmentForm(
        formdata=None,
        mode=plan.mode.value if plan else "all",
        per_entry=plan.jurors_per_entry if plan else None,
    )
    return render_template(
        "jury/manage.html",
        stage=stage,
        seats=seats,
        staff=staff,
        doubts=doubts,
        progress=progress,
        entries=queries.entries(stage),
        form=form,
        rule_form=RuleForm(),
        assignment_form=assignment_form,
        can_assign=stage.state in BEFORE_SCORING,
        replace_form=_replace_form(seats, formdata=None),
        empty=EmptyForm(),
    )


def _replace_form(seats, **kwargs) -> ReplaceForm:
    form = ReplaceForm(**kwargs)
    form.seat.choices = [(s.id, s.user.name) for s in seats]
    return form


@bp.post(f"{MANAGE}/jury/replace")
@login_required
def replace(slug: str, position: int):
    """Replace a juror with a logged reason (R29); the new juror files a fresh declaration (R22)."""
    stage = _officer_stage(slug, position)
    form = _replace_form(queries.active_seats(stage))
    if not form.validate_on_submit():
        flash(_("Choose the juror, give the new juror's e-mail and the reason for the replacement."), "error")
        return redirect(url_for("jury.manage", slug=slug, position=position))
    seat = db.session.get(JurySeat, form.seat.data)
    user = user_by_email(form.new_email.data)
    if seat is None or seat.stage_id != stage.id:
        abort(404)
    if user is None:
        flash(_("No account has that e-mail address. Ask the juror to register first."), "error")
        return redirect(url_for("jury.manage", slug=slug, position=position))
    try:
        services.replace(seat, user, form.replacement_reason.data, _officer(stage))
    except DomainError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(_("The juror was replaced."), "success")
    return redirect(url_for("jury.manage", slug=slug, position=position))


@bp.post(f"{MANAGE}/jury/assignment")
@login_required
def assignment(slug: str, position: int):
    stage = _officer_stage(slug, position)
    form = AssignmentForm()
    if not form.validate_on_submit():
        flash(_("Choose how the entries are shared and, for a fixed number, how many jurors per entry."), "error")
        return redirect(url_for("jury.manage", slug=slug, position=position))
    mode = AssignmentMode(form.mode.data)
    try:
        short = services.set_assignment(
            stage, mode, form.per_entry.data if mode == AssignmentMode.PER_ENTRY else None, _officer(stage)
        )
    except DomainError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(_("The assignment was saved."), "success")
        for code, count in sorted(short.items()):
            flash(
                _(
                    "%(code)s can only get %(count)s jurors without a conflict, fewer than %(wanted)s.",
                    code=code,
                    count=count,
                    wanted=form.per_entry.data,
                ),
                "warning",
            )
    return redirect(url_for("jury.manage", slug=slug, position=position))


@bp.post(f"{MANAGE}/jury/rulings/<int:declaration_id>")
@login_required
def rule(slug: str, position: int, declaration_id: int):
    stage = _officer_stage(slug, position)
    declaration = db.session.get(EntryDeclaration, declaration_id)
    if declaration is None or declaration.seat.stage_id != stage.id:
        abort(404)
    form = RuleForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for the ruling."), "error")
    else:
        try:
            services.rule(
                declaration, _officer(stage), conflicted=form.decision.data == "conflict", reason=form.reason.data
            )
        except DomainError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("The ruling was recorded."), "success")
    return redirect(url_for("jury.manage", slug=slug, position=position))


@bp.post(f"{MANAGE}/jury/<any(start, deanonymise):step>")
@login_required
def advance(slug: str, position: int, step: str):
    stage = _officer_stage(slug, position)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        if step == "start":
            services.open_scoring(stage, _officer(stage))
        else:
            services.deanonymise(stage, _officer(stage))
    except DomainError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(_("The stage moved on."), "success")
    return redirect(url_for("jury.manage", slug=slug, position=position))
