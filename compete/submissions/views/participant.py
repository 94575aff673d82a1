"""Participant pages: start, write, upload, submit, withdraw (receipts and the dashboard: `receipts`)."""

from __future__ import annotations

import uuid

from flask import (
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from compete.accounts.queries import acting_organisation
from compete.competitions.states import StagePhase
from compete.core.db import end_reading, reads_first, write_lock
from compete.core.errors import DomainError
from compete.core.formatting import format_iso
from compete.core.time import now, to_oslo
from compete.extensions import db
from compete.storage import lifecycle
from compete.storage.downloads import send_stored
from compete.submissions import files, permissions, queries, services
from compete.submissions.forms import EmptyForm, SelfCheckForm, SubmitForm, sketch_form_class
from compete.submissions.services import direct_uploads
from compete.submissions.views import (
    _competition_stage,
    _flash_refusal,
    _own_submission,
    _say_refused,
    bp,
)


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
        submission_id = submission.id  # read before the commit expires it
        db.session.commit()
        return redirect(url_for("submissions.edit", submission_id=submission_id))
    return render_template(
        "submissions/start.html",
        competition=competition,
        stage=stage,
        form=form,
        organisation=organisation,
        categories=categories,
        now=now(),
        today=to_oslo(now()).date(),
    )


def _form_for(submission, formdata=None):
    form_class = sketch_form_class(submission.stage)
    data = {f"field_{key}": value for key, value in (submission.draft_content or {}).items()}
    data |= {f"secret_{key}": True for key in submission.draft_secret_fields or []}
    return form_class(formdata=formdata, data=data)


@bp.route("/submissions/<int:submission_id>", methods=["GET", "POST"])
@login_required
@reads_first
def edit(submission_id: int):
    submission = _own_submission(submission_id)
    stage = submission.stage
    if request.method == "POST":
        try:
            return _save(submission, stage)
        except BaseException:
            # Whatever failed, the files stored for this save go with it (a rollback deletes those
            # of a transaction that began; `abandon` those saved before it).
            db.session.rollback()
            lifecycle.abandon()
            raise
    form = _form_for(submission)
    is_open = stage.phase(now()) == StagePhase.OPEN
    return render_template(
        "submissions/edit.html",
        submission=submission,
        stage=stage,
        form=form,
        attachments=services.draft_attachments(submission),
        delete_form=EmptyForm(),
        is_open=is_open,
        direct=direct_uploads.enabled(),
        upload_forms=direct_uploads.upload_forms(submission, current_user)
        if is_open and direct_uploads.enabled()
        else [],
        now=now(),
    )


def _save(submission, stage):
    """Save the draft and its files (the edit page's POST). Each file is checked, scrubbed and
    stored first, outside any transaction (`@reads_first`): a 5 MB PDF takes about 40 ms, and on
    SQLite nothing else could write meanwhile. Then the draft and the files' rows are written in one
    transaction that takes the write lock up front and reads again what it checks (the deadline,
    the entry's state); each file in a savepoint of its own, so that a refused file is rolled back
    alone and the draft is kept."""
    form = _form_for(submission, formdata=request.form)
    if not form.validate():
        abort(400)
    content = {f.key: form[f"field_{f.key}"].data or "" for f in stage.fields}
    secret = [f.key for f in stage.fields if form[f"secret_{f.key}"].data]
    submission_id = submission.id
    uploads = []
    for slot in stage.file_slots:
        upload = request.files.get(f"file_{slot.key}")
        if upload is not None and upload.filename:
            uploads.append((slot.key, upload.filename, upload.read()))
    prepared: dict[str, services.PreparedFile] = {}
    refused: dict[str, DomainError] = {}
    open_now = stage.phase(now()) == StagePhase.OPEN
    end_reading()
    if open_now:  # after the deadline the write below refuses the save and logs it (R15)
        for slot_key, _name, data in uploads:
            try:
                prepared[slot_key] = services.prepare_attachment(submission, slot_key, data)
            except DomainError as exc:
                refused[slot_key] = exc
    db.session.expire_all()
    with write_lock():
        if not permissions.can_edit_submission(current_user, submission):
            abort(403)  # no longer a member: read again under the lock, like everything the save checks
        try:
            services.save_draft(submission, current_user, content, secret)
        except DomainError as exc:
            for file in prepared.values():
                file.discard()
            _flash_refusal(exc)
            return redirect(url_for("submissions.edit", submission_id=submission_id))
        uploaded_ok = True
        for slot_key, filename, data in uploads:
            name = files.base_name(filename)[:120]
            outcome = _("The rest of your draft was saved, but not the file %(name)s.", name=name)
            if slot_key in refused:
                uploaded_ok = False
                _say_refused(refused[slot_key], outcome=outcome)
                continue
            savepoint = db.session.begin_nested()
            try:
                services.add_attachment(
                    submission,
                    current_user,
                    slot_key,
                    filename,
                    data,
                    is_secret=bool(request.form.get(f"filesecret_{slot_key}")),
                    prepared=prepared.get(slot_key),
                )
            except DomainError as exc:
                uploaded_ok = False
                _flash_refusal(exc, savepoint, outcome=outcome)
                continue
            savepoint.commit()
        db.session.commit()
    if uploaded_ok:
        flash(_("Your draft was saved."), "success")
    if request.form.get("action") == "submit" and uploaded_ok:
        return redirect(url_for("submissions.confirm", submission_id=submission_id))
    return redirect(url_for("submissions.edit", submission_id=submission_id))


@bp.get("/submissions/<int:submission_id>/uploads/done")
@login_required
def upload_done(submission_id: int):
    """Where storage sends the browser back after a direct upload (S3 adds `bucket`, `key`, `etag`):
    the stored object is checked and becomes the slot's draft file, or is deleted with the reason."""
    submission = _own_submission(submission_id)
    try:
        attachment = direct_uploads.confirm_upload(
            submission,
            current_user,
            request.args.get("token", ""),
            request.args.get("key", ""),
            sha256=request.args.get("sha256", ""),
        )
    except DomainError as exc:
        _flash_refusal(exc, outcome=_("Nothing was changed in your draft."))
    else:
        db.session.commit()
        if attachment is not None:
            flash(_("The file %(name)s was uploaded and checked.", name=attachment.filename), "success")
    return redirect(url_for("submissions.edit", submission_id=submission.id))


@bp.post("/submissions/<int:submission_id>/autosave")
@login_required
def autosave(submission_id: int):
    submission = _own_submission(submission_id)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):  # a JSON string, number, list or no JSON at all
        return jsonify(error=_("The draft could not be read. Reload the page and try again.")), 400
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


autosave.reads_json = True  # it answers a body that is not an object in its own words (core/errors.py)


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
    services.record_access(current_user, submission, "file_downloaded", attachment=attachment)
    db.session.commit()
    return send_stored(attachment.storage_key, attachment.filename, attachment.content_type, attachment.size)


@bp.route("/submissions/<int:submission_id>/submit", methods=["GET", "POST"])
@login_required
def confirm(submission_id: int):
    submission = _own_submission(submission_id)
    form = SubmitForm()
    # The identity check reads every draft file (R19); a participant who has accepted the warnings
    # does not need them again, so a confirmed submit skips it.
    warnings = uploads = None
    if request.method == "GET":
        form.idempotency_key.data = uuid.uuid4().hex
    elif form.validate_on_submit():
        if not form.accept_warnings.data:
            uploads = services.draft_attachments(submission)
            warnings = services.leak_warnings(submission, uploads)
        if warnings:
            flash(_("Check the warnings below and confirm before you submit."), "error")
        else:
            submission_id = submission.id
            try:
                number = _submit_with_retry(submission_id, form.idempotency_key.data)
            except DomainError as exc:
                _flash_refusal(exc)
                return redirect(url_for("submissions.confirm", submission_id=submission_id))
            flash(_("Your submission was received."), "success")
            return redirect(url_for("submissions.receipt", submission_id=submission_id, number=number))
    if uploads is None:
        uploads = services.draft_attachments(submission)
    if warnings is None:
        warnings = services.leak_warnings(submission, uploads)
    return render_template(
        "submissions/confirm.html",
        submission=submission,
        stage=submission.stage,
        form=form,
        warnings=warnings,
        errors=services.validation_errors(submission, uploads),
        attachments=uploads,
        now=now(),
    )


def _submit_with_retry(submission_id: int, key: str, attempts: int = 5) -> int:
    """Submit and commit; a concurrent submit of the same entry makes us start again from a fresh read.
    Returns the version's number, read before the commit expires it (reading it after would open
    another write transaction just to load it again)."""
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
            number = services.submit(submission, current_user, key).number
            db.session.commit()
            return number
        except (IntegrityError, OperationalError):
            db.session.rollback()
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


@bp.route("/submissions/<int:submission_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(submission_id: int):
    """GET asks for confirmation (what withdrawing means); POST withdraws."""
    submission = _own_submission(submission_id)
    if request.method == "GET":
        return render_template("submissions/withdraw.html", submission=submission, form=EmptyForm())
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw(submission, current_user)
    except DomainError as exc:
        _flash_refusal(exc)
    else:
        db.session.commit()
        flash(
            _(
                "Your submission was withdrawn; every member of your organisation gets an e-mail about it. "
                "You can submit again until the deadline."
            ),
            "success",
        )
    return redirect(url_for("submissions.edit", submission_id=submission.id))
