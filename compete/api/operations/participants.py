"""The participants' own: their organisations' submissions and receipts."""

from __future__ import annotations

from compete.api.operations.common import OWN, SUBMISSION_ID, iso, org
from compete.api.schemas import array, ref
from compete.api.views import api_user, forbid, not_found, operation
from compete.core.i18n import lazy_gettext as _l
from compete.submissions import permissions as submission_permissions
from compete.submissions import queries as submission_queries
from compete.submissions import services as submission_services


@operation(
    "/me/submissions",
    "listMySubmissions",
    summary=_l("Your organisations' submissions with their versions"),
    tag="participant",
    scope=OWN,
    response=array(ref("OwnSubmission")),
    errors=(),
)
def my_submissions():
    return [
        {
            "id": s.id,
            "competition": {"slug": s.stage.competition.slug, "title": s.stage.competition.title},
            "stage_position": s.stage.position,
            "stage_name": s.stage.name,
            "code": s.code,
            "status": s.status.value,
            "organisation": org(s.organisation),
            "withdrawn_at": iso(s.withdrawn_at),
            "versions": [
                {"number": v.number, "submitted_at": iso(v.submitted_at), "content_sha256": v.content_sha256}
                for v in s.versions
            ],
        }
        for s in submission_queries.submissions_of_user(api_user())
    ]


@operation(
    "/submissions/{submission_id}/receipts",
    "listReceipts",
    summary=_l("The receipts of a submission's versions (R17)"),
    tag="participant",
    scope=("read:own", "read:officer"),
    response=array(ref("Receipt")),
    params=[SUBMISSION_ID],
)
def receipts(submission_id: int):
    submission = submission_queries.submission_by_id(submission_id)
    if submission is None:
        raise not_found()
    forbid(submission_permissions.can_view_submission(api_user(), submission))
    rows = []
    for version in submission.versions:
        receipt = submission_services.receipt_for(version)
        rows.append(
            {
                "code": receipt.code,
                "competition": receipt.competition,
                "stage": receipt.stage,
                "version": receipt.version,
                "submitted_at": iso(receipt.submitted_at),
                "content_sha256": receipt.content_sha256,
                "files": receipt.files,
            }
        )
    return rows
