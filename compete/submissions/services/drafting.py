"""Starting a submission, deadlines and late attempts, drafts (R10, R15, R19, R36); a draft's files are in
`attachments`."""

from __future__ import annotations

import hashlib
import json
import random
import secrets
from contextlib import contextmanager

from sqlalchemy import select

from compete.accounts.models import Organisation, User
from compete.audit.services import Actor, record
from compete.awards.models import Selection
from compete.competitions.models import Stage
from compete.competitions.states import StagePhase
from compete.core.db import lock_row
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.submissions import files
from compete.submissions.models import (
    LateAttempt,
    Submission,
    SubmissionStatus,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class DeadlinePassed(DomainError):
    """The stage is not open for writes; the attempt has been logged (R15)."""


def _participant(user: User, organisation: Organisation | None) -> Actor:
    return Actor(user, organisation, "participant")


_seeded: list[random.Random] = []  # the demo's repeatable story only; never set in a request


@contextmanager
def seeded_codes(seed: str):
    """Draw entry codes from a seeded generator inside the block, so that `flask demo` tells the
    same story every time (the jury demo scores entries in code order)."""
    _seeded.append(random.Random(seed))
    try:
        yield
    finally:
        _seeded.pop()


def new_code() -> str:
    """A random, non-sequential code such as "K7QX-M2PA" (R19)."""
    choice = _seeded[-1].choice if _seeded else secrets.choice
    raw = "".join(choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def content_sha256(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def word_count(text: str) -> int:
    return len((text or "").split())


# --- deadlines and late attempts ----------------------------------------------------------------


def record_late_attempt(
    stage: Stage,
    user: User,
    organisation: Organisation | None,
    action: str,
    *,
    submission: Submission | None = None,
    uploads: list[tuple[str, bytes]] = (),
    content: dict | None = None,
) -> LateAttempt:
    """Log a refused write after the deadline with the hashes of what was sent (R15)."""
    attempt = LateAttempt(
        stage_id=stage.id,
        submission_id=submission.id if submission else None,
        user_id=user.id,
        organisation_id=organisation.id if organisation else None,
        action=action,
        at=now(),
        file_hashes=[{"name": name, "size": len(data), "sha256": files.sha256(data)} for name, data in uploads],
        content_sha256=content_sha256(content) if content is not None else None,
    )
    db.session.add(attempt)
    db.session.flush()
    record(
        _participant(user, organisation),
        "submission.late_attempt",
        attempt,
        competition=stage.competition,
        after={"action": action, "files": attempt.file_hashes, "content_sha256": attempt.content_sha256},
    )
    return attempt


def require_open(
    stage: Stage,
    user: User,
    organisation: Organisation | None,
    action: str,
    *,
    submission: Submission | None = None,
    uploads: list[tuple[str, bytes]] = (),
    content: dict | None = None,
) -> None:
    """Refuse any write unless the stage is open by the server clock; log refusals after the deadline."""
    phase = stage.phase(now())
    if phase == StagePhase.OPEN:
        return
    if phase == StagePhase.UPCOMING:
        raise DomainError(_l("This stage is not open for submissions yet."), code="not_open")
    record_late_attempt(stage, user, organisation, action, submission=submission, uploads=uploads, content=content)
    raise DeadlinePassed(
        _l("The deadline has passed. Nothing was changed, and this attempt has been logged."), code="late"
    )


# --- starting and drafting ------------------------------------------------------------------------


def start_submission(stage: Stage, user: User, organisation: Organisation, category: str) -> Submission:
    """Open (or return) the organisation's submission for a stage after the self-check (R10, R36)."""
    existing = db.session.scalars(
        select(Submission).where(Submission.stage_id == stage.id, Submission.organisation_id == organisation.id)
    ).first()
    if existing is not None:
        return existing
    require_open(stage, user, organisation, "start")
    categories = [c.name for c in stage.competition.eligibility_categories]
    if categories and category not in categories:
        raise DomainError(_l("Choose the category that applies to your organisation."), code="self_check")
    previous = next((s for s in stage.competition.stages if s.position == stage.position - 1), None)
    if previous is not None and not is_selected(previous, organisation):
        raise DomainError(
            _l("Only participants selected in the previous stage can take part in this stage."), code="not_selected"
        )
    submission = Submission(
        stage_id=stage.id,
        organisation_id=organisation.id,
        created_by_id=user.id,
        code=_unique_code(stage),
        status=SubmissionStatus.DRAFT,
        eligibility_category=category or "",
        self_check_at=now(),
        draft_content={},
        draft_secret_fields=[],
    )
    db.session.add(submission)
    db.session.flush()
    record(
        _participant(user, organisation),
        "submission.started",
        submission,
        competition=stage.competition,
        after={"stage": stage.position, "category": category},
    )
    return submission


def is_selected(stage: Stage, organisation: Organisation) -> bool:
    """Selected in `stage` by a decision whose notices have gone out (R31, R36)."""
    from compete.awards.models import Decision

    return (
        db.session.scalar(
            select(Selection.id)
            .join(Decision, Decision.id == Selection.decision_id)
            .where(
                Selection.stage_id == stage.id,
                Selection.organisation_id == organisation.id,
                Decision.notices_sent_at.is_not(None),
            )
        )
        is not None
    )


def _unique_code(stage: Stage) -> str:
    while True:
        code = new_code()
        taken = db.session.scalar(select(Submission.id).where(Submission.stage_id == stage.id, Submission.code == code))
        if taken is None:
            return code


def _clean_content(stage: Stage, content: dict) -> dict:
    """Keep only the template's fields, as strings."""
    keys = {f.key for f in stage.fields}
    return {key: str(value or "") for key, value in content.items() if key in keys}


def save_draft(submission: Submission, user: User, content: dict, secret_fields: list[str] = ()) -> None:
    """Save the form as a draft (autosave and the save button). Limits are checked on submit.
    Saving the same content again changes nothing else: autosave is safe to retry."""
    lock_row(submission)  # PostgreSQL: queue behind a concurrent save or submit of this entry
    stage = submission.stage
    content = _clean_content(stage, content)
    require_open(stage, user, submission.organisation, "save", submission=submission, content=content)
    keys = {f.key for f in stage.fields}
    submission.draft_content = content
    submission.draft_secret_fields = sorted(k for k in secret_fields if k in keys)
    submission.draft_saved_at = now()
    db.session.flush()
