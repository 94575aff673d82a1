"""The juror's pages: seats, briefing, declaration, queue, entry with scorecard and clarification
questions, ranking with robustness and score distributions, report, and progress for the chair."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from compete.competitions.states import StageState
from compete.core.db import reads_first, write_after_checking, write_after_reading
from compete.core.errors import DomainError
from compete.extensions import db
from compete.jury import charts, permissions, queries, services
from compete.jury.forms import AskForm, BriefingForm, EmptyForm, RemarkForm
from compete.jury.models import Answer, JurySeat, ReportApproval
from compete.jury.views import _entry, _my_seat, _refused, _stage, bp
from compete.storage.backends import StorageError, get_storage
from compete.submissions.models import Attachment
from compete.submissions.services.access import record_access

# --- jurors --------------------------------------------------------------------------------------


@bp.get("/jury")
@login_required
def my_seats():
    seats = db.session.scalars(
        select(JurySeat)
        .where(JurySeat.user_id == current_user.id, JurySeat.replaced_at.is_(None))
        .order_by(JurySeat.id)
    ).all()
    return render_template("jury/my_seats.html", seats=[(seat, _seat_actions(seat)) for seat in seats])


def _seat_actions(seat: JurySeat) -> list[tuple[str, str, int]]:
    """What this seat needs from the juror now, as (kind, link, count): read the briefing,
    declare, score N remaining entries, approve the report."""
    stage = seat.stage
    if seat.briefing_accepted_at is None:
        return [("briefing", url_for("jury.briefing", stage_id=stage.id), 0)]
    undeclared = services.undeclared_entries(seat)
    if seat.declared_at is None or undeclared:
        count = len(undeclared) if seat.declared_at is not None else 0
        return [("declare", url_for("jury.declaration", stage_id=stage.id), count)]
    actions = []
    if stage.state == StageState.JURY_SCORING:
        remaining = sum(1 for item in queries.seat_queue(seat) if item.card_state != "submitted")
        if remaining:
            actions.append(("score", url_for("jury.queue", stage_id=stage.id), remaining))
        elif db.session.scalar(select(ReportApproval.id).where(ReportApproval.seat_id == seat.id)) is None:
            actions.append(("approve", url_for("jury.report", stage_id=stage.id), 0))
    return actions


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
    entries = services.undeclared_entries(seat)
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
    queue_items = queries.seat_queue(seat)
    return render_template(
        "jury/queue.html",
        stage=stage,
        seat=seat,
        queue=queue_items,
        plan=queries.assignment_plan(stage),
        ready=permissions.has_scored_own(seat),
        undeclared=services.undeclared_entries(seat),
    )


@bp.route("/jury/stages/<int:stage_id>/entries/<code>", methods=["GET", "POST"])
@login_required
@reads_first
def entry(stage_id: int, code: str):
    stage = _stage(stage_id, configuration=True)
    seat = _my_seat(stage)
    submission = _entry(stage, code)
    if request.method == "POST":
        # save_scorecard checks what the juror may score with the seat's row locked (and on SQLite
        # in a write transaction that reads it all again); its refusal of an entry they may not
        # see, or that is not theirs, is a 403 here.
        if not EmptyForm().validate_on_submit():
            abort(400)
        values = {}
        for criterion in stage.criteria:
            raw = request.form.get(f"score-{criterion.id}", "").strip()
            values[criterion.id] = (
                int(raw) if raw.lstrip("-").isdigit() else None,
                request.form.get(f"why-{criterion.id}", ""),
            )
        refused = None
        with write_after_checking():
            try:
                services.save_scorecard(seat, submission, values, submit=request.form.get("action") == "submit")
            except DomainError as exc:
                refused = exc
                db.session.rollback()
            else:
                db.session.commit()
        if refused is not None:
            if refused.code in ("forbidden", "not_assigned"):
                abort(403)
            _refused(refused)
        else:
            # stage_id, not stage.id: the commit expired the stage, and reading it would load it again.
            if request.form.get("action") != "submit":
                flash(_("Your draft scores were saved."), "success")
                return redirect(url_for("jury.entry", stage_id=stage_id, code=code))
            following = queries.next_in_queue(queries.seat_queue(seat), submission.id)
            if following is None:
                flash(_("Your scorecard was submitted. You have scored every entry in your queue."), "success")
                return redirect(url_for("jury.queue", stage_id=stage_id))
            flash(_("Your scorecard was submitted. Here is the next entry in your queue."), "success")
            return redirect(url_for("jury.entry", stage_id=stage_id, code=following.entry.code))
    if not services.can_see(seat, submission):
        abort(403)
    card = queries.scorecard(seat, submission)
    version = submission.current_version
    scores = {s.criterion_id: s for s in card.scores} if card else {}
    queue_items = queries.seat_queue(seat)
    position = next((i for i, item in enumerate(queue_items, 1) if item.entry.id == submission.id), None)
    following = queries.next_in_queue(queue_items, submission.id)
    # The queue holds the eligible entries assigned to this juror that their declaration clears,
    # and can_see() above cleared this one: it is assigned exactly when it is in the queue.
    assigned = position is not None
    # Read and rendered in a read transaction; the view is then recorded (R41) in a short write
    # transaction of its own on SQLite, so that the write lock is held for the append only (on
    # PostgreSQL in the same transaction: see write_after_reading).
    page = render_template(
        "jury/entry.html",
        position=position,
        queue_length=len(queue_items),
        following=following,
        slot_labels={slot.key: slot.label for slot in stage.file_slots},
        stage=stage,
        seat=seat,
        submission=submission,
        version=version,
        card=card,
        scores=scores,
        # Each criterion's points with their anchoring descriptor, built here: cheaper than in the loop.
        scales={
            c.id: [(point, c.descriptors.get(str(point))) for point in range(c.scale_min, c.scale_max + 1)]
            for c in stage.criteria
        },
        assigned=assigned,
        clarifications=queries.clarifications_for(submission),
        form=EmptyForm(),
        ask_form=AskForm(),
    )
    with write_after_reading():
        record_access(current_user, submission, "viewed", version=version, role=seat.role.value)
    return page


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
    record_access(
        current_user,
        submission,
        "file_downloaded",
        attachment=attachment,
        scrubbed=stage.anonymous,
        role=seat.role.value,
    )
    db.session.commit()
    name = f"{submission.code}-{attachment.slot_key}.{attachment.filename.rsplit('.', 1)[-1]}"
    # A PDF may be shown inline beside the scorecard; anything else is always a download.
    inline = bool(request.args.get("inline")) and attachment.content_type == "application/pdf"
    headers = {"Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{name}"'}
    if inline:
        # Only our own scorecard page may frame the preview; everything else keeps frame-ancestors 'none'.
        headers["Content-Security-Policy"] = "frame-ancestors 'self'"
        headers["X-Frame-Options"] = "SAMEORIGIN"
    return Response(data, mimetype=attachment.content_type, headers=headers)


@bp.get("/jury/stages/<int:stage_id>/ranking")
@login_required
def ranking(stage_id: int):
    stage = _stage(stage_id)
    redirect_to = _ranking_gate(stage, permissions.seat_of(current_user, stage))
    if redirect_to is not None:
        return redirect_to
    ranked, juror_totals, tie_break = queries.ranking_and_totals(stage)
    labels = queries.entry_labels(stage)
    robust, alpha = queries.robustness_and_agreement(
        juror_totals, stage.advancing_count or 1, stage.aggregation_method, tie_break
    )
    seats = {s.id: s for s in queries.active_seats(stage)}
    hidden = permissions.hidden_entries(current_user, stage)
    visible_totals = {
        juror: {entry: total for entry, total in row.items() if entry not in hidden}
        for juror, row in juror_totals.items()
    }
    visible = queries.visible_ranking(ranked, hidden)
    reveal = stage.state in (StageState.DEANONYMISED, StageState.DECIDED)
    ties = queries.tie_codes(visible, labels)
    rows = []
    for r in visible:
        code, organisation = labels.get(r.entry, (r.entry, None))
        tied, equal = ties.get(r.entry, ("", ""))
        rows.append(
            (
                r.rank,
                code,
                organisation if reveal else None,
                r.total,
                robust.spread.get(r.entry) if robust else None,
                tied if r.tied_with else "",
                equal if r.broken_tie_with else "",
            )
        )
    return render_template(
        "jury/ranking.html",
        hidden_count=len(hidden),
        stage=stage,
        rows=rows,
        robust=robust,
        alpha=alpha,
        seats=seats,
        chart=charts.distributions(visible_totals, {k: v.user.name for k, v in seats.items()}, _scale(stage)),
        can_export=permissions.can_export(current_user, stage),
    )


@bp.route("/jury/stages/<int:stage_id>/report", methods=["GET", "POST"])
@login_required
def report(stage_id: int):
    stage = _stage(stage_id)
    seat = permissions.seat_of(current_user, stage)
    if seat is None and not permissions.can_manage_jury(current_user, stage):
        abort(403)
    if request.method == "GET":
        redirect_to = _ranking_gate(stage, seat)
        if redirect_to is not None:
            return redirect_to
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
    hidden = permissions.hidden_entries(current_user, stage)
    report = queries.jury_report(stage)
    codes = {e.id: e.code for e in queries.entries(stage)}
    return render_template(
        "jury/report.html",
        stage=stage,
        seat=seat,
        report=queries.redacted(report, {codes[i] for i in hidden if i in codes}),
        can_export=permissions.can_export(current_user, stage),
        form=EmptyForm(),
        remark_form=RemarkForm(),
    )


def _ranking_gate(stage, seat):
    """Totals are for officers, and for a juror only once their own declaration and scorecards are
    in (a juror sees no one else's scores before submitting their own): 403, or a redirect to the
    queue, or None when the viewer may see them."""
    if not permissions.can_see_ranking(current_user, stage):
        abort(403)
    if (
        seat is not None
        and not permissions.can_manage_jury(current_user, stage)
        and not permissions.has_scored_own(seat)
    ):
        flash(_("Submit all your scorecards before you see the others' scores."), "info")
        return redirect(url_for("jury.queue", stage_id=stage.id))
    return None


def _scale(stage) -> tuple[int, int]:
    if not stage.criteria:
        return (0, 10)
    return (min(c.scale_min for c in stage.criteria), max(c.scale_max for c in stage.criteria))


@bp.post("/jury/stages/<int:stage_id>/entries/<code>/clarifications")
@login_required
def ask(stage_id: int, code: str):
    stage = _stage(stage_id)
    seat = _my_seat(stage)
    submission = _entry(stage, code)
    if not services.can_see(seat, submission):
        abort(403)
    form = AskForm()
    if not form.validate_on_submit():
        flash(_("Write the question."), "error")
    else:
        try:
            services.ask(seat, submission, form.question.data)
        except DomainError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("Your question was sent to the functionary."), "success")
    return redirect(url_for("jury.entry", stage_id=stage.id, code=code) + "#clarifications-heading")


@bp.get("/jury/stages/<int:stage_id>/progress")
@login_required
def progress(stage_id: int):
    stage = _stage(stage_id)
    if not permissions.can_see_progress(current_user, stage):
        abort(403)
    return render_template("jury/progress.html", stage=stage, progress=queries.progress(stage))
