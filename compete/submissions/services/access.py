"""Every view or download of a submission's content by someone else, and every file download,
is on the audit trail (R41): who, in which role, which version and which file (by its hash)."""

from __future__ import annotations

from compete.accounts.models import User
from compete.audit.services import Actor, record
from compete.competitions.permissions import officer_organisation
from compete.submissions.models import Attachment, Submission, SubmissionVersion
from compete.submissions.permissions import can_edit_submission, is_functionary


def _actor(user: User, submission: Submission, role: str | None) -> Actor:
    competition = submission.stage.competition
    if role is not None:
        return Actor(user, None, role)
    if can_edit_submission(user, submission):
        return Actor(user, submission.organisation, "participant")
    organisation = officer_organisation(user, competition)
    if organisation is not None:
        return Actor(user, organisation, "officer")
    if is_functionary(user, competition):
        return Actor(user, None, "functionary")
    return Actor(user, None, "other")


def record_access(
    user: User,
    submission: Submission,
    action: str,
    *,
    version: SubmissionVersion | None = None,
    attachment: Attachment | None = None,
    scrubbed: bool = False,
    role: str | None = None,
) -> None:
    """`action` is "viewed" or "file_downloaded"; `role` is given by callers that know it (the jury)."""
    after: dict = {}
    version = version or submission.current_version
    if version is not None:
        after["version"] = version.number
    if attachment is not None:
        after["attachment"] = attachment.id
        after["sha256"] = attachment.scrubbed_sha256 if scrubbed else attachment.sha256
        after["scrubbed"] = scrubbed
    record(
        _actor(user, submission, role),
        f"submission.{action}",
        submission,
        competition=submission.stage.competition_id,
        after=after,
    )
