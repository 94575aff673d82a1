"""The letters of a decision (R31): built from the decision, the criteria, the entry's own scores
and rank and the jury's remark; previewed by the officer; then queued to every participant at one
moment, which starts the standstill period (R32).

The standstill ends at the end of the day (23:59:59 Europe/Oslo) `standstill_days` calendar days
after the day the notices were sent (R7): sent 2 March with 10 days -> ends 12 March 23:59:59.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from compete.audit.services import Actor, record
from compete.awards.models import Decision, Notice
from compete.awards.services.decisions import ranking
from compete.competitions.models import Stage
from compete.competitions.states import StageState
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now, oslo_to_utc, to_oslo
from compete.extensions import db
from compete.jury.models import ConsensusRemark, JurySeat, Score, Scorecard
from compete.notifications.recipients import members_of
from compete.notifications.services import queue_email
from compete.submissions.models import Eligibility, Submission, SubmissionStatus


def standstill_end(sent_at: datetime, days: int) -> datetime:
    """End of the standstill: 23:59:59 Oslo time on the day `days` calendar days after sending."""
    day = to_oslo(sent_at).date() + timedelta(days=days)
    return oslo_to_utc(datetime.combine(day, time(23, 59, 59)))


def names_visible(stage: Stage) -> bool:
    """Who is behind the entries may be named: always in an open stage, in an anonymous stage
    only after de-anonymisation (a decided anonymous stage has been de-anonymised, R30)."""
    return not stage.anonymous or stage.state in (StageState.DEANONYMISED, StageState.DECIDED)


def participants(stage: Stage) -> list[Submission]:
    """Everyone affected by the stage's decision: every submitted entry, not withdrawn."""
    return list(
        db.session.scalars(
            select(Submission)
            .where(Submission.stage_id == stage.id, Submission.status == SubmissionStatus.SUBMITTED)
            .options(selectinload(Submission.organisation), selectinload(Submission.created_by))
            .order_by(Submission.code)
        )
    )


def _criterion_means(stage: Stage) -> dict:
    """submission id -> criterion id -> mean score of the active jurors' submitted scorecards."""
    rows = db.session.execute(
        select(Scorecard.submission_id, Score.criterion_id, Score.value)
        .join(Score, Score.scorecard_id == Scorecard.id)
        .join(JurySeat, JurySeat.id == Scorecard.seat_id)
        .where(JurySeat.stage_id == stage.id, JurySeat.replaced_at.is_(None), Scorecard.submitted_at.is_not(None))
    ).all()
    cells: dict = defaultdict(lambda: defaultdict(list))
    for submission_id, criterion_id, value in rows:
        if value is not None:
            cells[submission_id][criterion_id].append(value)
    return {s: {c: round(sum(v) / len(v), 2) for c, v in per.items()} for s, per in cells.items()}


def outcome_of(decision: Decision, submission: Submission) -> str:
    chosen = {s.submission_id for s in decision.selections}
    if submission.id in chosen:
        return "winner" if decision.is_final else "selected"
    return "project_ends" if decision.is_final else "not_selected"


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def build_letters(decision: Decision, *, sent_at: datetime | None = None) -> list[tuple[Submission, dict]]:
    """One letter per participant, as JSON-ready data (also what the Notice row keeps).

    `sent_at` defaults to now: the preview shows the standstill end as if the notices went now.
    """
    stage = decision.stage
    competition = stage.competition
    sent_at = sent_at or now()
    ends = standstill_end(sent_at, competition.standstill_days)
    ranked = {r.entry: r for r in ranking(stage)}
    means = _criterion_means(stage)
    remarks = {
        r.submission_id: r.text
        for r in db.session.scalars(select(ConsensusRemark).where(ConsensusRemark.stage_id == stage.id))
    }
    entries = participants(stage)
    by_id = {s.id: s for s in entries}
    visible = names_visible(stage)
    selected = [
        {
            "name": by_id[s.submission_id].organisation.name if visible and s.submission_id in by_id else None,
            "orgnr": by_id[s.submission_id].organisation.orgnr if visible and s.submission_id in by_id else None,
            "code": by_id[s.submission_id].code if s.submission_id in by_id else None,
            "rank": s.rank,
        }
        for s in decision.selections
    ]
    buyer = competition.lead_buyer
    letters = []
    for submission in entries:
        own = ranked.get(submission.id)
        letters.append(
            (
                submission,
                {
                    "competition": competition.title,
                    "slug": competition.slug,
                    "buyer": buyer.name if buyer else "",
                    "stage": stage.name,
                    "position": stage.position,
                    "organisation": submission.organisation.name,
                    "orgnr": submission.organisation.orgnr,
                    "code": submission.code,
                    "outcome": outcome_of(decision, submission),
                    "final": decision.is_final,
                    "eligible": submission.eligibility != Eligibility.REJECTED,
                    "rejection_ground": submission.rejection_ground,
                    "rank": own.rank if own else None,
                    "ranked_count": len(ranked),
                    "total": round(own.total, 2) if own else None,
                    "criteria": [
                        {
                            "name": c.name,
                            "weight": c.weight,
                            "scale_max": c.scale_max,
                            "mean": means.get(submission.id, {}).get(c.id),
                        }
                        for c in stage.criteria
                    ],
                    "remark": remarks.get(submission.id, ""),
                    "selected": selected,
                    "selected_count": len(selected),
                    "announced": stage.advancing_count if not decision.is_final else 1,
                    "amount": stage.award_amount,
                    "deviation_reasons": decision.deviation_reasons,
                    "fewer_reason": decision.fewer_reason,
                    "decided_at": _iso(decision.decided_at),
                    "sent_at": _iso(sent_at),
                    "standstill_days": competition.standstill_days,
                    "standstill_ends_at": _iso(ends),
                },
            )
        )
    return letters


def hydrate(letter: dict) -> dict:
    """The letter with its times as datetimes again, for templates."""
    return {k: (datetime.fromisoformat(v) if k.endswith("_at") and v else v) for k, v in letter.items()}


def send_notices(decision: Decision, actor: Actor) -> list[Notice]:
    """Queue every letter of the decision at one moment and start the standstill (R31, R32).

    One Notice (the letter) per entry, one e-mail to the person who started it and to every other
    member of its organisation, each in their own language, its queueing audited per recipient.
    One transaction: the outbox messages, the Notice rows and the decision's times are written
    together, so either every participant is notified or nobody is.
    """
    if decision.notices_sent_at is not None:
        raise DomainError(_l("The notices of this decision have already been sent."), code="sent")
    moment = now()  # one reading: the letters state the same standstill end as the decision
    letters = build_letters(decision, sent_at=moment)
    if not letters:
        raise DomainError(_l("The stage has no participants to notify."), code="empty")
    decision.notices_sent_at = moment
    decision.standstill_ends_at = standstill_end(moment, decision.stage.competition.standstill_days)
    notices = []
    members = members_of(sorted({submission.organisation_id for submission, _ in letters}))
    default_language = decision.stage.competition.default_language
    for submission, letter in letters:
        starter = submission.created_by
        recipients = [starter] + [m for m in members.get(submission.organisation_id, []) if m.id != starter.id]
        notice = Notice(
            decision_id=decision.id,
            submission_id=submission.id,
            organisation_id=submission.organisation_id,
            recipient_id=starter.id,
            recipient_email=starter.email,
            language=starter.language or default_language,
            outcome=letter["outcome"],
            letter=letter,
            queued_at=moment,
        )
        db.session.add(notice)
        db.session.flush()
        for recipient in recipients:
            # Every member of the organisation gets the letter in their own language (R31).
            message = queue_email(
                "awards/notice",
                to=recipient.email,
                language=recipient.language or default_language,
                recipient=recipient,
                competition=decision.stage.competition,
                letter=hydrate(letter),
                notice_id=notice.id,
            )
            if recipient is starter:
                notice.outbox_message_id = message.id
            record(
                actor,
                "awards.notice_queued",
                notice,
                competition=decision.stage.competition,
                after={
                    "to": recipient.email,
                    "message": message.id,
                    "organisation": submission.organisation.name,
                    "outcome": notice.outcome,
                },
            )
        notices.append(notice)
    db.session.flush()
    record(
        actor,
        "awards.notices_sent",
        decision,
        competition=decision.stage.competition,
        after={
            "count": len(notices),
            "sent_at": moment,
            "standstill_ends_at": decision.standstill_ends_at,
        },
    )
    return notices
