"""Programme statistics (DOMAIN.md §4): sketches per stage, share by participant category (R10),
payments per stage, time per stage. Plain numbers; the views format and chart them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from compete.competitions.models import Competition, Stage
from compete.extensions import db
from compete.submissions.models import Eligibility, Submission, SubmissionStatus

ONE_DECIMAL = Decimal("0.1")


def day_span(start: datetime | None, end: datetime | None) -> Decimal | None:
    """Days between two moments, to one decimal (half up); None when either is missing."""
    if start is None or end is None:
        return None
    seconds = Decimal(int((end - start).total_seconds()))
    return (seconds / Decimal(86_400)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Share:
    name: str  # "" when the participant stated no category
    count: int
    percent: Decimal  # of the total, one decimal


def shares(counts: dict[str, int]) -> list[Share]:
    """Counts with their percentage of the total, largest first (then by name)."""
    total = sum(counts.values())
    return [
        Share(
            name,
            count,
            (Decimal(count * 100) / Decimal(total)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
            if total
            else Decimal("0.0"),
        )
        for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def paid_by_stage(stage_ids: list[int]) -> dict[int, int]:
    """Kroner paid per stage id, from the awards domain (one query)."""
    from compete.awards.queries import paid_by_stage as paid

    return paid(stage_ids)


def _decided_at(stage_ids: list[int]) -> dict[int, datetime]:
    from compete.awards.models import Decision

    if not stage_ids:
        return {}
    return dict(
        db.session.execute(select(Decision.stage_id, Decision.decided_at).where(Decision.stage_id.in_(stage_ids))).all()
    )


@dataclass
class StageStats:
    position: int
    name: str
    submitted: int
    eligible: int
    withdrawn: int
    announced: int  # kroner announced for the stage (advancing × award)
    paid: int  # kroner paid
    opens_at: datetime | None
    deadline_at: datetime | None
    decided_at: datetime | None

    @property
    def window_days(self) -> Decimal | None:
        return day_span(self.opens_at, self.deadline_at)

    @property
    def evaluation_days(self) -> Decimal | None:
        return day_span(self.deadline_at, self.decided_at)

    @property
    def total_days(self) -> Decimal | None:
        return day_span(self.opens_at, self.decided_at)


@dataclass
class CompetitionStats:
    competition: Competition
    stages: list[StageStats]
    categories: list[Share]
    category_counts: dict[str, int] = field(default_factory=dict)

    @property
    def sketches(self) -> int:
        return self.stages[0].submitted if self.stages else 0

    @property
    def paid(self) -> int:
        return sum(s.paid for s in self.stages)

    @property
    def announced(self) -> int:
        return sum(s.announced for s in self.stages)


def _entry_counts(stage_ids: list[int]) -> dict[tuple[int, str, str], int]:
    if not stage_ids:
        return {}
    rows = db.session.execute(
        select(Submission.stage_id, Submission.status, Submission.eligibility, func.count(Submission.id))
        .where(Submission.stage_id.in_(stage_ids))
        .group_by(Submission.stage_id, Submission.status, Submission.eligibility)
    ).all()
    return {(stage_id, str(status), str(eligibility)): n for stage_id, status, eligibility, n in rows}


def _category_counts(first_stage_ids: list[int]) -> dict[int, Counter]:
    """Submitted entries of each first stage (the idea sketches) by self-declared category (R10)."""
    if not first_stage_ids:
        return {}
    rows = db.session.execute(
        select(Submission.stage_id, Submission.eligibility_category, func.count(Submission.id))
        .where(Submission.stage_id.in_(first_stage_ids), Submission.status == SubmissionStatus.SUBMITTED)
        .group_by(Submission.stage_id, Submission.eligibility_category)
    ).all()
    result: dict[int, Counter] = {}
    for stage_id, category, n in rows:
        result.setdefault(stage_id, Counter())[category or ""] += n
    return result


def statistics_for(competitions: list[Competition]) -> list[CompetitionStats]:
    """Statistics of each competition (stages loaded with it) in a constant number of queries."""
    stages: list[Stage] = [s for c in competitions for s in c.stages]
    stage_ids = [s.id for s in stages]
    counts = _entry_counts(stage_ids)
    decided = _decided_at(stage_ids)
    paid = paid_by_stage(stage_ids)
    first_ids = [c.stages[0].id for c in competitions if c.stages]
    categories = _category_counts(first_ids)
    submitted, withdrawn = SubmissionStatus.SUBMITTED.value, SubmissionStatus.WITHDRAWN.value
    result = []
    for competition in competitions:
        rows = []
        for s in competition.stages:
            rows.append(
                StageStats(
                    position=s.position,
                    name=s.name,
                    submitted=sum(n for (sid, st, _e), n in counts.items() if sid == s.id and st == submitted),
                    eligible=counts.get((s.id, submitted, Eligibility.ELIGIBLE.value), 0),
                    withdrawn=sum(n for (sid, st, _e), n in counts.items() if sid == s.id and st == withdrawn),
                    announced=s.total_payment,
                    paid=int(paid.get(s.id, 0)),
                    opens_at=s.opens_at,
                    deadline_at=s.deadline_at,
                    decided_at=decided.get(s.id),
                )
            )
        category_counts = dict(categories.get(competition.stages[0].id, Counter())) if competition.stages else {}
        result.append(CompetitionStats(competition, rows, shares(category_counts), category_counts))
    return result


def competition_statistics(competition: Competition) -> CompetitionStats:
    return statistics_for([competition])[0]


@dataclass
class ProgrammeStats:
    competitions: list[CompetitionStats]
    categories: list[Share]

    @property
    def sketches(self) -> int:
        return sum(c.sketches for c in self.competitions)

    @property
    def paid(self) -> int:
        return sum(c.paid for c in self.competitions)

    @property
    def announced(self) -> int:
        return sum(c.announced for c in self.competitions)


def programme_statistics(competitions: list[Competition]) -> ProgrammeStats:
    """Across competitions: each one's figures and the category shares of all their sketches."""
    per_competition = statistics_for(competitions)
    total: Counter = Counter()
    for stats in per_competition:
        total.update(stats.category_counts)
    return ProgrammeStats(per_competition, shares(dict(total)))
