"""Juror pages (briefing, declaration, queue, entry with scorecard, ranking, report) and the officers'
jury page (seats, rulings, progress, start of scoring, de-anonymisation)."""

from __future__ import annotations

import random

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from compete.accounts.queries import user_by_email
from compete.audit.services import Actor
from compete.competitions import queries as competition_queries
from compete.competitions.models import Stage
from compete.competitions.permissions import officer_organisation
from compete.competitions.services import transition_stage
from compete.competitions.states import StageState
from compete.core.errors import DomainError
from compete.extensions import db
from compete.jury import permissions, queries, services, statistics
from compete.jury.forms import AppointForm, BriefingForm, EmptyForm, RemarkForm, RuleForm
from compete.jury.models import Answer, EntryDeclaration, JurySeat, Scorecard, SeatRole
from compete.storage.backends import StorageError, get_storage
from compete.submissions.models import Attachment, Submission

bp = Blueprint("jury", __name__, url_prefix="")


def _refused(exc: DomainError) -> None:
    db.session.rollback()
    flash(str(exc.message), "error")
    for detail in exc.details:
        flash(detail, "error")


def _stage(stage_id: int) -> Stage:
    stage = db.session.get(Stage, stage_id)
    if stage is None:
        abort(404)
    return stage


def _my_seat(stage: Stage) -> JurySeat:
    seat = permissions.seat_of(current_user, stage)
    if seat is None:
        abort(403)
    return seat


def _entry(stage: Stage, code: str) -> Submission:
    entry = next((e for e in queries.entries(stage) if e.code == code), None)
    if entry is None:
        abort(404)
    return entry


# --- jurors --------------------------------------------------------------------------------------


@bp.get("/jury")
@login_required
def my_seats():
    seats = db.session.scalars(
        select(JurySeat)
        .where(JurySeat.user_id == current_user.id, JurySeat.replaced_at.is_(None))
        .order_by(JurySeat.id)
    ).all()
    return render_template("jury/my_seats.html", seats=seats)


@bp.route("/jury/stages/<int:stage_id>/briefing", methods=["GET", "POST"])
@login_required
def briefing(stage_id: int):
    stage = _stage(stage_id)
    seat = _my_seat(stage)
    form = BriefingForm()
    if form.validate_on_submit():
        services.accept_briefing(seat)
        db.session.commit()
        return redirect(url_for("jury.declaration", stage_id=stage.id))
    return render_template("jury/briefing.html", stage=stage, seat=seat, form=form)


@bp.route("/jury/stages/<int:stage_id>/declaration", methods=["GET", "POST"])
@login_required
def declaration(stage_id: int):
    stage = _stage(stage_id)
    seat = _my_seat(stage)
    if seat.briefing_accepted_at is None:
        return redirect(url_for("jury.briefing", stage_id=stage.id))
    entries = queries.entries(stage)
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        answers = {}
        for entry in entries:
            value = request.form.get(f"answer-{entry.id}", "")
            if value not in {a.value for a in Answer}:
                flash(_("Answer for every entry."), "error")
                break
            answers[entry.id] = (Answer(value), request.form.get(f"explanation-{entry.id}", ""))
        else:
            try:
                services.declare(seat, request.form.get("affiliations", ""), answers)
            except DomainError as exc:
                _refused(exc)
            else:
                db.session.commit()
                flash(_("Your declaration was filed."), "success")
                return redirect(url_for("jury.queue", stage_id=stage.id))
    return render_template("jury/declaration.html", stage=stage, seat=seat, entries=entries, form=form)


@bp.get("/jury/stages/<int:stage_id>")
@login_required
def queue(stage_id: int):
    stage = _stage(stage_id)
    seat = _my_seat(stage)
    if seat.declared_at is None:
        return redirect(url_for("jury.declaration", stage_id=stage.id))
    entries = [e for e in queries.entries(stage) if services.can_see(seat, e)]
    random.Random(f"{seat.id}:{stage.id}").shuffle(entries)
    cards = {c.submission_id: c for c in db.session.scalars(select(Scorecard).where(Scorecard.seat_id == seat.id))}
    return render_template("jury/queue.html", stage=stage, seat=seat, entries=entries, cards=cards)


@bp.route("/jury/stages/<int:stage_id>/entries/<code>", methods=["GET", "POST"])
@login_required
def entry(stage_id: int, code: str):
    stage = _stage(stage_id)
    seat = _my_seat(stage)
    submission = _entry(stage, code)
    if not services.can_see(seat, submission):
        abort(403)
    card = queries.scorecard(seat, submission)
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        values = {}
        for criterion in stage.criteria:
            raw = request.form.get(f"score-{criterion.id}", "").strip()
            values[criterion.id] = (
                int(raw) if raw.lstrip("-").isdigit() else None,
                request.form.get(f"why-{criterion.id}", ""),
            )
        try:
            services.save_scorecard(seat, submission, values, submit=request.form.get("action") == "submit")
        except DomainError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("Your scores were saved."), "success")
            return redirect(
                url_for("jury.queue", stage_id=stage.id)
                if request.form.get("action") == "submit"
                else url_for("jury.entry", stage_id=stage.id, code=code)
            )
    version = submission.current_version
    scores = {s.criterion_id: s for s in card.scores} if card else {}
    return render_template(
        "jury/entry.html",
        stage=stage,
        seat=seat,
        submission=submission,
        version=version,
        card=card,
        scores=scores,
        form=EmptyForm(),
    )


@bp.get("/jury/stages/<int:stage_id>/entries/<code>/files/<int:attachment_id>")
@login_required
def entry_file(stage_id: int, code: str, attachment_id: int):
    stage = _stage(stage_id)
    seat = _my_seat(stage)
    submission = _entry(stage, code)
    if not services.can_see(seat, submission):
        abort(403)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.version_id != submission.current_version_id:
        abort(404)
    key = attachment.scrubbed_storage_key if stage.anonymous else attachment.storage_key
    if stage.anonymous and not key:
        abort(404)
    try:
        data = get_storage().read(key)
    except StorageError:
        abort(503)
    name = f"{submission.code}-{attachment.slot_key}.{attachment.filename.rsplit('.', 1)[-1]}"
    return Response(
        data, mimetype=attachment.content_type, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.get("/jury/stages/<int:stage_id>/ranking")
@login_required
def ranking(stage_id: int):
    stage = _stage(stage_id)
    if not permissions.can_see_ranking(current_user, stage):
        abort(403)
    seat = permissions.seat_of(current_user, stage)
    if seat is not None and not permissions.can_manage_jury(current_user, stage):
        mine = db.session.scalars(
            select(Scorecard).where(Scorecard.seat_id == seat.id, Scorecard.submitted_at.is_(None))
        ).first()
        visible = [e for e in queries.entries(stage) if services.can_see(seat, e)]
        submitted = db.session.scalars(
            select(Scorecard.submission_id).where(Scorecard.seat_id == seat.id, Scorecard.submitted_at.is_not(None))
        ).all()
        if mine is not None or len(submitted) < len(visible):
            flash(_("Submit all your scorecards before you see the others' scores."), "info")
            return redirect(url_for("jury.queue", stage_id=stage.id))
    juror_totals, tie_break = queries.totals(stage)
    entries = {e.id: e for e in queries.entries(stage)}
    ranked = queries.ranking(stage)
    robust = (
        statistics.robustness(
            juror_totals,
            stage.advancing_count or 1,
            stage.aggregation_method,
            tie_break=tie_break if stage.tie_break_rule == "highest_first_criterion" else None,
        )
        if juror_totals
        else None
    )
    alpha = statistics.krippendorff_alpha(juror_totals) if juror_totals else None
    seats = {s.id: s for s in queries.active_seats(stage)}
    return render_template(
        "jury/ranking.html",
        stage=stage,
        ranked=ranked,
        entries=entries,
        robust=robust,
        alpha=alpha,
        seats=seats,
        reveal=stage.state in (StageState.DEANONYMISED, StageState.DECIDED),
    )


@bp.route("/jury/stages/<int:stage_id>/report", methods=["GET", "POST"])
@login_required
def report(stage_id: int):
    stage = _stage(stage_id)
    seat = permissions.seat_of(current_user, stage)
    if seat is None and not permissions.can_manage_jury(current_user, stage):
        abort(403)
    if request.method == "POST":
        if seat is None or not EmptyForm().validate_on_submit():
            abort(403 if seat is None else 400)
        try:
            if request.form.get("action") == "remark":
                services.record_remark(seat, _entry(stage, request.form.get("code", "")), request.form.get("text", ""))
                message = _("The remark was recorded.")
            else:
                locked = services.approve_report(seat)
                message = _("The ranking is locked.") if locked else _("Your approval was recorded.")
        except DomainError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(message, "success")
        return redirect(url_for("jury.report", stage_id=stage.id))
    return render_template(
        "jury/report.html",
        stage=stage,
        seat=seat,
        report=queries.jury_report(stage),
        form=EmptyForm(),
        remark_form=RemarkForm(),
    )


# --- officers ------------------------------------------------------------------------------------


def _officer_stage(slug: str, position: int) -> Stage:
    competition = competition_queries.competition_by_slug(slug)
    if competition is None:
        abort(404)
    stage = next((s for s in competition.stages if s.position == position), None)
    if stage is None:
        abort(404)
    if not permissions.can_manage_jury(current_user, stage):
        abort(403)
    return stage


def _officer(stage: Stage) -> Actor:
    return Actor(current_user, officer_organisation(current_user, stage.competition), "officer")


@bp.route("/manage/competitions/<slug>/stages/<int:position>/jury", methods=["GET", "POST"])
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
    seats = queries.active_seats(stage)
    doubts = db.session.scalars(
        select(EntryDeclaration).where(
            EntryDeclaration.seat_id.in_([s.id for s in seats]),
            EntryDeclaration.answer == Answer.IN_DOUBT,
            EntryDeclaration.ruled_conflict.is_(None),
        )
    ).all()
    cards = db.session.execute(
        select(Scorecard.seat_id, Scorecard.submitted_at).where(Scorecard.seat_id.in_([s.id for s in seats]))
    ).all()
    progress = {s.id: sum(1 for seat_id, at in cards if seat_id == s.id and at is not None) for s in seats}
    return render_template(
        "jury/manage.html",
        stage=stage,
        seats=seats,
        doubts=doubts,
        progress=progress,
        entries=queries.entries(stage),
        form=form,
        rule_form=RuleForm(),
        empty=EmptyForm(),
    )


@bp.post("/manage/competitions/<slug>/stages/<int:position>/jury/rulings/<int:declaration_id>")
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


@bp.post("/manage/competitions/<slug>/stages/<int:position>/jury/<any(start, deanonymise):step>")
@login_required
def advance(slug: str, position: int, step: str):
    stage = _officer_stage(slug, position)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        if step == "start":
            transition_stage(stage, StageState.JURY_SCORING, _officer(stage))
        else:
            services.deanonymise(stage, _officer(stage))
    except DomainError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(_("The stage moved on."), "success")
    return redirect(url_for("jury.manage", slug=slug, position=position))
