"""Participant pages (start, write, upload, submit, receipts, dashboard) and the officers' receipt
log, deadline extension and formal check."""

from __future__ import annotations

import csv
import io
import uuid

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compete.accounts.queries import acting_organisation
from compete.audit.services import Actor
from compete.competitions import queries as competition_queries
from compete.competitions.permissions import officer_organisation
from compete.competitions.states import StagePhase
from compete.core.errors import DomainError
from compete.core.formatting import format_iso
from compete.core.time import now, oslo_to_utc
from compete.extensions import db
from compete.storage.backends import StorageError, get_storage
from compete.submissions import permissions, queries, services
from compete.submissions.forms import EmptyForm, ExtendForm, RejectForm, SelfCheckForm, SubmitForm, sketch_form_class
from compete.submissions.models import SubmissionStatus
from compete.submissions.receipts import receipt_pdf

bp = Blueprint("submissions", __name__)


def _competition_stage(slug: str, position: int):
    competition = competition_queries.competition_by_slug(slug)
    if competition is None:
        abort(404)
    stage = queries.stage_of(competition, position)
    if stage is None:
        abort(404)
    return competition, stage


def _own_submission(submission_id: int):
    submission = queries.submission_by_id(submission_id)
    if submission is None:
        abort(404)
    if not permissions.can_edit_submission(current_user, submission):
        abort(403)
    return submission


def _flash_refusal(exc: DomainError) -> None:
    if isinstance(exc, services.DeadlinePassed):
        db.session.commit()  # keep the log of the late attempt (R15)
    else:
        db.session.rollback()
    flash(str(exc.message), "error")
    for detail in exc.details:
        flash(detail, "error")


# --- participants --------------------------------------------------------------------------------


@bp.route("/competitions/<slug>/stages/<int:position>/start", methods=["GET", "POST"])
@login_required
def start(slug: str, position: int):
    competition, stage = _competition_stage(slug, position)
    organisation = acting_organisation(current_user)
    if organisation is None:
        flash(_("Register or choose an organisation before you take part."), "info")
        return redirect(url_for("accounts.organisations"))
    if not permissions.can_take_part(current_user, competition, organisation):
        abort(403)
    existing = queries.submission_for(stage, organisation)
    if existing is not None:
        return redirect(url_for("submissions.edit", submission_id=existing.id))
    form = SelfCheckForm()
    categories = competition.eligibility_categories
    form.category.choices = [(c.name, c.name) for c in categories] or [("", _("Any organisation"))]
    if not categories:
        form.category.validators = []  # nothing to choose; the confirmation is the self-check
    if form.validate_on_submit():
        try:
            submission = services.start_submission(stage, current_user, organisation, form.category.data)
        except DomainError as exc:
            _flash_refusal(exc)
            return redirect(url_for("competitions.call_page", slug=slug))
        db.session.commit()
        return redirect(url_for("submissions.edit", submission_id=submission.id))
    return render_template(
        "submissions/start.html",
        competition=competition,
        stage=stage,
        form=form,
        organisation=organisation,
        categories=categories,
        now=now(),
    )


def _form_for(submission, formdata=None):
    form_class = sketch_form_class(submission.stage)
    data = {f"field_{key}": value for key, value in (submission.draft_content or {}).items()}
    data |= {f"secret_{key}": True for key in submission.draft_secret_fields or []}
    return form_class(formdata=formdata, data=data)


@bp.route("/submissions/<int:submission_id>", methods=["GET", "POST"])
@login_required
def edit(submission_id: int):
    submission = _own_submission(submission_id)
    stage = submission.stage
    if request.method == "POST":
        form = _form_for(submission, formdata=request.form)
        if not form.validate():
            abort(400)
        content = {f.key: form[f"field_{f.key}"].data or "" for f in stage.fields}
        secret = [f.key for f in stage.fields if form[f"secret_{f.key}"].data]
        try:
            services.save_draft(submission, current_user, content, secret)
        except DomainError as exc:
            _flash_refusal(exc)
            return redirect(url_for("submissions.edit", submission_id=submission.id))
        db.session.commit()
        uploaded_ok = True
        for slot in stage.file_slots:
            upload = request.files.get(f"file_{slot.key}")
            if upload is None or not upload.filename:
                continue
            try:
                services.add_attachment(
                    submission,
                    current_user,
                    slot.key,
                    upload.filename,
                    upload.read(),
                    is_secret=bool(request.form.get(f"filesecret_{slot.key}")),
                )
            except DomainError as exc:
                uploaded_ok = False
                _flash_refusal(exc)
                continue
            db.session.commit()
        if uploaded_ok:
            flash(_("Your draft was saved."), "success")
        if request.form.get("action") == "submit" and uploaded_ok:
            return redirect(url_for("submissions.confirm", submission_id=submission.id))
        return redirect(url_for("submissions.edit", submission_id=submission.id))
    form = _form_for(submission)
    return render_template(
        "submissions/edit.html",
        submission=submission,
        stage=stage,
        form=form,
        attachments=services.draft_attachments(submission),
        delete_form=EmptyForm(),
        is_open=stage.phase(now()) == StagePhase.OPEN,
        now=now(),
    )


@bp.post("/submissions/<int:submission_id>/autosave")
@login_required
def autosave(submission_id: int):
    submission = _own_submission(submission_id)
    payload = request.get_json(silent=True) or {}
    content = payload.get("content") if isinstance(payload.get("content"), dict) else {}
    secret = payload.get("secret_fields") if isinstance(payload.get("secret_fields"), list) else []
    try:
        services.save_draft(submission, current_user, content, [str(k) for k in secret])
    except DomainError as exc:
        if isinstance(exc, services.DeadlinePassed):
            db.session.commit()
        else:
            db.session.rollback()
        return jsonify(error=str(exc.message)), 409
    db.session.commit()
    return jsonify(saved_at=format_iso(submission.draft_saved_at), message=_("Draft saved"))


@bp.post("/submissions/<int:submission_id>/files/<int:attachment_id>/delete")
@login_required
def delete_file(submission_id: int, attachment_id: int):
    submission = _own_submission(submission_id)
    attachment = queries.attachment(submission, attachment_id)
    if attachment is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.remove_attachment(submission, current_user, attachment)
    except DomainError as exc:
        _flash_refusal(exc)
    else:
        db.session.commit()
        flash(_("The file was removed from the draft."), "success")
    return redirect(url_for("submissions.edit", submission_id=submission.id))


@bp.get("/submissions/<int:submission_id>/files/<int:attachment_id>")
@login_required
def download(submission_id: int, attachment_id: int):
    submission = queries.submission_by_id(submission_id)
    if submission is None:
        abort(404)
    if not permissions.can_view_submission(current_user, submission):
        abort(403)
    attachment = queries.attachment(submission, attachment_id)
    if attachment is None:
        abort(404)
    storage = get_storage()
    url = storage.presigned_url(attachment.storage_key, attachment.filename, expires=60)
    if url:
        return redirect(url)
    try:
        chunks = storage.open(attachment.storage_key)
    except StorageError:
        abort(503)
    return Response(
        stream_with_context(chunks),
        mimetype=attachment.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{_quote(attachment.filename)}",
            "Content-Length": str(attachment.size),
        },
    )


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@bp.route("/submissions/<int:submission_id>/submit", methods=["GET", "POST"])
@login_required
def confirm(submission_id: int):
    submission = _own_submission(submission_id)
    form = SubmitForm()
    warnings = services.leak_warnings(submission)
    if request.method == "GET":
        form.idempotency_key.data = uuid.uuid4().hex
    elif form.validate_on_submit():
        if warnings and not form.accept_warnings.data:
            flash(_("Check the warnings below and confirm before you submit."), "error")
        else:
            try:
                version = _submit_with_retry(submission.id, form.idempotency_key.data)
            except DomainError as exc:
                _flash_refusal(exc)
                return redirect(url_for("submissions.confirm", submission_id=submission.id))
            flash(_("Your submission was received."), "success")
            return redirect(url_for("submissions.receipt", submission_id=submission.id, number=version.number))
    return render_template(
        "submissions/confirm.html",
        submission=submission,
        stage=submission.stage,
        form=form,
        warnings=warnings,
        errors=services.validation_errors(submission),
        attachments=services.draft_attachments(submission),
        now=now(),
    )


def _submit_with_retry(submission_id: int, key: str, attempts: int = 5):
    """Submit and commit; a concurrent submit of the same entry makes us start again from a fresh read."""
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError, OperationalError

    from compete.submissions.models import Submission

    for attempt in range(attempts):
        # Start a fresh transaction whose first statement takes the write lock (SQLite) or the
        # row lock (PostgreSQL), so that concurrent submits queue instead of colliding.
        db.session.rollback()
        db.session.execute(update(Submission).where(Submission.id == submission_id).values(id=Submission.id))
        submission = queries.submission_by_id(submission_id)
        try:
            version = services.submit(submission, current_user, key)
            db.session.commit()
            return version
        except (IntegrityError, OperationalError):
            db.session.rollback()
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


@bp.post("/submissions/<int:submission_id>/withdraw")
@login_required
def withdraw(submission_id: int):
    submission = _own_submission(submission_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw(submission, current_user)
    except DomainError as exc:
        _flash_refusal(exc)
    else:
        db.session.commit()
        flash(_("Your submission was withdrawn. You can submit again until the deadline."), "success")
    return redirect(url_for("submissions.edit", submission_id=submission.id))


def _visible_version(submission_id: int, number: int):
    submission = queries.submission_by_id(submission_id)
    if submission is None:
        abort(404)
    if not permissions.can_view_submission(current_user, submission):
        abort(403)
    version = queries.version(submission, number)
    if version is None:
        abort(404)
    return submission, version


@bp.get("/submissions/<int:submission_id>/versions/<int:number>/receipt")
@login_required
def receipt(submission_id: int, number: int):
    submission, version = _visible_version(submission_id, number)
    return render_template(
        "submissions/receipt.html", submission=submission, version=version, receipt=services.receipt_for(version)
    )


@bp.get("/submissions/<int:submission_id>/versions/<int:number>/receipt.pdf")
@login_required
def receipt_download(submission_id: int, number: int):
    submission, version = _visible_version(submission_id, number)
    pdf = receipt_pdf(submission, version)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="receipt-{submission.code}-v{number}.pdf"'},
    )


@bp.get("/my/submissions")
@login_required
def dashboard():
    return render_template(
        "submissions/dashboard.html", submissions=queries.submissions_of_user(current_user), now=now()
    )


# --- officers and the functionary -------------------------------------------------------------------

MANAGE = "/manage/competitions/<slug>/stages/<int:position>"


def _staff_stage(slug: str, position: int, predicate):
    competition, stage = _competition_stage(slug, position)
    if not predicate(current_user, competition):
        abort(403)
    return competition, stage


def _staff_actor(competition) -> Actor:
    organisation = officer_organisation(current_user, competition)
    return Actor(current_user, organisation, "officer" if organisation is not None else "functionary")


@bp.get(f"{MANAGE}/receipts")
@login_required
def receipt_log(slug: str, position: int):
    competition, stage = _staff_stage(slug, position, permissions.can_view_receipt_log)
    return render_template(
        "submissions/receipt_log.html",
        competition=competition,
        stage=stage,
        rows=queries.receipt_log(stage),
        submissions=queries.stage_submissions(stage),
    )


@bp.get(f"{MANAGE}/receipts.csv")
@login_required
def receipt_log_csv(slug: str, position: int):
    competition, stage = _staff_stage(slug, position, permissions.can_view_receipt_log)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["time_utc", "event", "code", "organisation", "orgnr", "person", "detail", "sha256"])
    for row in queries.receipt_log(stage):
        writer.writerow(
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
        )
    return Response(
        out.getvalue(),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="receipts-{competition.slug}-{position}.csv"'},
    )


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
