"""A participant's receipts (on the page and as PDF) and their dashboard of submissions."""

from __future__ import annotations

from flask import Response, abort, render_template
from flask_login import current_user, login_required

from compete.core.time import now
from compete.submissions import permissions, queries, services
from compete.submissions.receipts import receipt_pdf
from compete.submissions.views import bp


def _visible_version(submission_id: int, number: int):
    submission = queries.submission_for_receipt(submission_id)
    if submission is None:
        abort(404)
    if not permissions.can_view_submission(current_user, submission):
        abort(403)
    version = queries.version(submission, number, receipt_only=True)
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
