"""Writes for submissions: start, draft, attachments, submit with receipt, withdraw, late attempts,
extensions and the formal check. Services flush only; the request commits."""

from compete.submissions.services.access import record_access
from compete.submissions.services.attachments import (
    PreparedFile,
    add_attachment,
    draft_attachments,
    prepare_attachment,
    remove_attachment,
)
from compete.submissions.services.drafting import (
    CODE_ALPHABET,
    DeadlinePassed,
    content_sha256,
    is_selected,
    new_code,
    record_late_attempt,
    require_open,
    save_draft,
    start_submission,
    word_count,
)
from compete.submissions.services.officers import (
    decide_eligibility,
    extend_deadline,
    start_formal_check,
)
from compete.submissions.services.submitting import (
    Receipt,
    leak_warnings,
    receipt_for,
    submit,
    validation_errors,
    withdraw,
)

__all__ = [
    "CODE_ALPHABET",
    "DeadlinePassed",
    "PreparedFile",
    "Receipt",
    "add_attachment",
    "content_sha256",
    "decide_eligibility",
    "draft_attachments",
    "extend_deadline",
    "is_selected",
    "leak_warnings",
    "new_code",
    "prepare_attachment",
    "receipt_for",
    "record_access",
    "record_late_attempt",
    "remove_attachment",
    "require_open",
    "save_draft",
    "start_formal_check",
    "start_submission",
    "submit",
    "validation_errors",
    "withdraw",
    "word_count",
]
