"""May the agreement or contract step follow a stage's decision yet? (R31, R32, R33)

The one place that answers it, for stage-award agreements and for the development contract alike.
"""

from __future__ import annotations

from flask_babel import force_locale, get_locale
from sqlalchemy import select

from compete.awards.models import Complaint, Decision
from compete.competitions.models import Stage
from compete.core.formatting import format_datetime
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db


def decision_of(stage: Stage) -> Decision | None:
    return db.session.scalars(select(Decision).where(Decision.stage_id == stage.id)).first()


def agreement_blocked(stage: Stage, locale: str | None = None) -> str | None:
    """None when an agreement may be signed for the stage's selected participants, otherwise the
    reason in `locale` (default: the current request's language): no decision, notices not sent,
    standstill not over, or a complaint still waiting for a response."""
    if locale is None:
        return _blocked(stage, str(get_locale() or "nb"))
    with force_locale(locale):
        return _blocked(stage, locale)


def _blocked(stage: Stage, locale: str) -> str | None:
    decision = decision_of(stage)
    if decision is None:
        return str(_l("No decision has been recorded for this stage yet."))
    if decision.notices_sent_at is None or decision.standstill_ends_at is None:
        return str(_l("The notices of the decision have not been sent yet."))
    if now() < decision.standstill_ends_at:
        return str(
            _l(
                "The standstill period runs until %(end)s; no agreement can be signed before then.",
                end=format_datetime(decision.standstill_ends_at, locale),
            )
        )
    waiting = db.session.scalar(
        select(Complaint.id).where(Complaint.decision_id == decision.id, Complaint.responded_at.is_(None)).limit(1)
    )
    if waiting is not None:
        return str(_l("A complaint against the decision is waiting for the officer's response."))
    return None
