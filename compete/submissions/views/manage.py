"""Officers and the functionary: receipt log, deadline extension, formal check."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compete.core import exports
from compete.core.errors import DomainError
from compete.core.formatting import format_iso
from compete.core.time import now, oslo_to_utc
from compete.extensions import db
from compete.submissions import permissions, queries, services
from compete.submissions.forms import EmptyForm, ExtendForm, RejectForm
from compete.submissions.models import SubmissionStatus
from compete.submissions.services.access import record_access
from compete.submissions.views import (
    MANAGE,
    _flash_refusal,
    _staff_actor,
    _staff_stage,
    bp,
)


@bp.get(f"{MANAGE}/receipts")
@login_required
def receipt_log(slug: str, position: int):
    competition, stage = _staff_stage(slug, position, permissions.can_view_receipt_log)
    return render_template(
        "submissions/receipt_log.html",
        competition=competition,
        stage=stage,
        rows=queries.receipt_log(stage),
        submitted=queries.submitted_count(stage),
    )


@bp.get(f"{MANAGE}/receipts.csv")
@login_required
def receipt_log_csv(slug: str, position: int):
    competition, stage = _staff_stage(slug, position, permissions.can_view_receipt_log)
    rows = (
        [
            format_iso(row.at),
            row.event,
            row.code or "",
            row.organisation,
            row.orgnr or "",
            row.person,
            row.detail,
            " | ".join(row.hashes),
        ]
        for row in queries.receipt_log(stage)
    )
    header = ["time_utc", "event", "code", "organisation", "orgnr", "person", "detail", "sha256"]
    return exports.csv_response(header, rows, f"receipts-{competition.slug}-{position}.csv")


@bp.route(f"{MANAGE}/extend", methods=["GET", "POST"])
@login_required
def extend(slug: str, position: int):
    competition, stage = _staff_stage(slug, position, permissions.can_extend_deadline)
    form = ExtendForm()
    if form.validate_on_submit():
        from datetime import datetime

        from compete.core.time import InvalidLocalTime

        try:
            deadline = oslo_to_utc(datetime.combine(form.day.data, form.clock.data))
        except InvalidLocalTime:
            form.clock.errors.append(
                _("This time does not exist or occurs twice when the clocks change. Choose another time.")
            )
        else:
            try:
                services.extend_deadline(stage, _staff_actor(competition), deadline, form.reason.data)
            except DomainError as exc:
                _flash_refusal(exc)
            else:
                db.session.commit()
                flash(_("The deadline was extended for everyone."), "success")
                return redirect(url_for("submissions.receipt_log", slug=slug, position=position))
    return render_template("submissions/extend.html", competition=competition, stage=stage, form=form)


@bp.get(f"{MANAGE}/submissions/<code>")
@login_required
def submission_page(slug: str, position: int, code: str):
    """One submission for officers and the functionary: its content and files as submitted, its
    versions and receipts, the formal check, and — from the jury's domain — clarifications and,
    after the lock, its scores and remarks. Jurors never come here (R24); the view is audited (R41)."""
    competition, stage = _staff_stage(slug, position, permissions.can_view_receipt_log)
    submission = queries.submission_by_code(stage, code)
    if submission is None:
        abort(404)
    version = submission.current_version
    actor = _staff_actor(competition)
    record_access(current_user, submission, "viewed", version=version, role=actor.role)
    db.session.commit()
    return render_template(
        "submissions/manage_submission.html",
        competition=competition,
        stage=stage,
        submission=submission,
        version=version,
        slot_labels={slot.key: slot.label for slot in stage.file_slots},
    )


@bp.get(f"{MANAGE}/formal-check")
@login_required
def formal_check(slug: str, position: int):
    competition, stage = _staff_stage(slug, position, permissions.can_do_formal_check)
    return render_template(
        "submissions/formal_check.html",
        competition=competition,
        stage=stage,
        submissions=[s for s in queries.stage_submissions(stage) if s.status == SubmissionStatus.SUBMITTED],
        form=EmptyForm(),
        reject_form=RejectForm(),
        phase=stage.phase(now()),
    )


@bp.post(f"{MANAGE}/formal-check/start")
@login_required
def formal_check_start(slug: str, position: int):
    competition, stage = _staff_stage(slug, position, permissions.can_do_formal_check)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.start_formal_check(stage, _staff_actor(competition))
    except DomainError as exc:
        _flash_refusal(exc)
    else:
        db.session.commit()
        flash(_("The formal check has started."), "success")
    return redirect(url_for("submissions.formal_check", slug=slug, position=position))


@bp.post(f"{MANAGE}/formal-check/<int:submission_id>")
@login_required
def formal_check_decide(slug: str, position: int, submission_id: int):
    competition, stage = _staff_stage(slug, position, permissions.can_do_formal_check)
    submission = queries.submission_by_id(submission_id)
    if submission is None or submission.stage_id != stage.id:
        abort(404)
    eligible = request.form.get("decision") == "eligible"
    form = EmptyForm() if eligible else RejectForm()
    if not form.validate_on_submit():
        flash(_("Write the ground for the rejection."), "error")
        return redirect(url_for("submissions.formal_check", slug=slug, position=position))
    try:
        services.decide_eligibility(
            submission, _staff_actor(competition), eligible=eligible, ground="" if eligible else form.ground.data
        )
    except DomainError as exc:
        _flash_refusal(exc)
    else:
        db.session.commit()
        flash(_("Entry %(code)s was marked.", code=submission.code), "success")
    return redirect(url_for("submissions.formal_check", slug=slug, position=position))
