"""The officer's cockpit: where each stage stands in its life cycle, and what needs the officer now.

Built from each domain's query helpers in a constant number of queries (about a dozen, plus a few
per stage in jury scoring), however many entries, jurors, awards or claims there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import url_for

from compete.awards import queries as award_queries
from compete.awards.states import AwardState
from compete.competitions.models import Competition, Stage
from compete.competitions.states import CompetitionState, StagePhase
from compete.contracts import queries as contract_queries
from compete.contracts.states import ClaimState, MilestoneState
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import to_oslo
from compete.jury import queries as jury_queries
from compete.jury.queries.seats import report_approvals
from compete.submissions import queries as submission_queries

# The steps of a stage's life cycle, in order (DOMAIN.md §2); "contract" only for the final stage
# of a call that announced a follow-on contract.
STEPS: tuple[tuple[str, object], ...] = (
    ("open", _l("Open for entries")),
    ("closed", _l("Deadline passed")),
    ("formal_check", _l("Formal check")),
    ("scoring", _l("Jury scoring")),
    ("report", _l("Jury report")),
    ("decision", _l("Decision")),
    ("letters", _l("Letters")),
    ("standstill", _l("Standstill period")),
    ("contract", _l("Development contract")),
)
STEP_LABELS = dict(STEPS)


@dataclass(frozen=True)
class Step:
    key: str
    label: object
    status: str  # "done", "current" or "todo"


@dataclass
class StageLine:
    stage: Stage
    phase: StagePhase
    steps: list[Step]

    @property
    def current(self) -> Step | None:
        return next((s for s in self.steps if s.status == "current"), None)


@dataclass(frozen=True)
class Action:
    """One line of "Needs action": what, how many (or how far), and the page where it is done."""

    key: str
    label: object
    value: str
    count: int
    url: str
    stage: Stage | None = None


@dataclass
class Cockpit:
    timeline: list[StageLine] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    def by_key(self, key: str) -> list[Action]:
        return [a for a in self.actions if a.key == key]


def _current_step(stage: Stage, phase: StagePhase, decision, jury, *, at: datetime, contract_step: bool, contract):
    """The key of the step the stage is in, or None before it opens, or "" when all is done."""
    if phase == StagePhase.UPCOMING:
        return None
    simple = {
        StagePhase.OPEN: "open",
        StagePhase.CLOSED: "closed",
        StagePhase.FORMAL_CHECK: "formal_check",
        StagePhase.RANKING_LOCKED: "decision",
        StagePhase.DEANONYMISED: "decision",
    }
    if phase in simple:
        return simple[phase]
    if phase == StagePhase.JURY_SCORING:
        expected, submitted = jury if jury else (0, 0)
        return "report" if expected and submitted >= expected else "scoring"
    # DECIDED
    if decision is None or decision.notices_sent_at is None:
        return "letters"
    if decision.standstill_ends_at is not None and at < decision.standstill_ends_at:
        return "standstill"
    if contract_step and (contract is None or not contract.is_signed):
        return "contract"
    return ""


def _timeline(stage: Stage, current: str | None, contract_step: bool) -> list[Step]:
    keys = [k for k, _label in STEPS if k != "contract" or contract_step]
    if current is None:
        return [Step(k, STEP_LABELS[k], "todo") for k in keys]
    index = keys.index(current) if current else len(keys)
    return [
        Step(k, STEP_LABELS[k], "done" if i < index else "current" if i == index else "todo")
        for i, k in enumerate(keys)
    ]


def _jury_progress(stage: Stage) -> tuple[int, int]:
    """(scorecards expected, scorecards submitted) following the assignment and conflicts."""
    progress = jury_queries.progress(stage)
    expected = sum(row["assigned"] for row in progress["jurors"])
    submitted = sum(row["submitted"] for row in progress["jurors"])
    return expected, submitted


def _due(stage_award_due: datetime | None, stage_id: int, stages: list[Stage]) -> datetime | None:
    """A stage award's deliverable is due at `due_at`, or else at the next stage's deadline."""
    if stage_award_due is not None:
        return stage_award_due
    positions = {s.id: s.position for s in stages}
    following = [s for s in stages if s.position == positions.get(stage_id, -1) + 1]
    return following[0].deadline_at if following else None


def build(competition: Competition, *, at: datetime) -> Cockpit:
    """The cockpit of `competition` at the moment `at`."""
    cockpit = Cockpit()
    if competition.state in (CompetitionState.DRAFT, CompetitionState.CANCELLED):
        for stage in competition.stages:
            cockpit.timeline.append(StageLine(stage, StagePhase.UPCOMING, _timeline(stage, None, False)))
        return cockpit
    slug = competition.slug
    stages = list(competition.stages)
    stage_ids = [s.id for s in stages]
    phases = {s.id: s.phase(at) for s in stages}
    counts = submission_queries.submitted_counts(stage_ids)
    approvals = report_approvals(stage_ids)
    awards = award_queries.cockpit_facts(competition)
    contract = contract_queries.cockpit_facts(competition, to_oslo(at).date())
    jury = {s.id: _jury_progress(s) for s in stages if phases[s.id] == StagePhase.JURY_SCORING}
    final = stages[-1] if stages else None
    contract_step = bool(competition.follow_on_contract)

    def add(key, label, value, count, url, stage=None):
        cockpit.actions.append(Action(key, label, str(value), count, url, stage))

    for stage in stages:
        phase = phases[stage.id]
        decision = awards.decisions.get(stage.id)
        has_contract_step = contract_step and stage is final
        current = _current_step(
            stage,
            phase,
            decision,
            jury.get(stage.id),
            at=at,
            contract_step=has_contract_step,
            contract=contract.contract,
        )
        cockpit.timeline.append(StageLine(stage, phase, _timeline(stage, current, has_contract_step)))
        position = stage.position
        pending = counts[stage.id]["pending"]
        if phase in (StagePhase.CLOSED, StagePhase.FORMAL_CHECK) and pending:
            add(
                "formal_check",
                _l("Entries awaiting the formal check"),
                pending,
                pending,
                url_for("submissions.formal_check", slug=slug, position=position),
                stage,
            )
        if stage.id in jury:
            expected, submitted = jury[stage.id]
            add(
                "jury_progress",
                _l("Scorecards submitted"),
                _l("%(done)s of %(total)s", done=submitted, total=expected),
                expected - submitted,
                url_for("jury.manage", slug=slug, position=position),
                stage,
            )
            approved, seats = approvals.get(stage.id, (0, 0))
            if expected and submitted >= expected and seats:
                add(
                    "report_approvals",
                    _l("Jury report approvals"),
                    _l("%(done)s of %(total)s", done=approved, total=seats),
                    seats - approved,
                    url_for("jury.manage", slug=slug, position=position),
                    stage,
                )
        if phase in (StagePhase.RANKING_LOCKED, StagePhase.DEANONYMISED) and decision is None:
            add(
                "decision",
                _l("Decision to record"),
                counts[stage.id]["submitted"],
                1,
                url_for("awards.decision", slug=slug, position=position),
                stage,
            )
        if decision is not None and decision.notices_sent_at is None:
            letters = counts[stage.id]["submitted"]
            add(
                "letters",
                _l("Letters to send"),
                letters,
                letters,
                url_for("awards.notices", slug=slug, position=position),
                stage,
            )
        if decision is not None and decision.standstill_ends_at is not None and at < decision.standstill_ends_at:
            days = max(0, (to_oslo(decision.standstill_ends_at).date() - to_oslo(at).date()).days)
            add(
                "standstill",
                _l("Standstill period: days left"),
                days,
                days,
                url_for("awards.complaints", slug=slug),
                stage,
            )

    if awards.unanswered_complaints:
        n = awards.unanswered_complaints
        add("complaints", _l("Complaints awaiting a response"), n, n, url_for("awards.complaints", slug=slug))

    def award_count(*states, due_only=False):
        return sum(
            1
            for state, stage_id, due_at in awards.awards
            if state in states and (not due_only or ((due := _due(due_at, stage_id, stages)) is not None and due <= at))
        )

    awards_url = url_for("awards.awards", slug=slug)
    standstill_over = [
        d.stage_id for d in awards.decisions.values() if d.standstill_ends_at is not None and d.standstill_ends_at <= at
    ]
    to_sign = sum(
        1 for state, stage_id, _due_at in awards.awards if state == AwardState.AWARDED and stage_id in standstill_over
    )
    award_lines = (
        ("agreements", _l("Agreements to sign"), to_sign),
        (
            "deliverables",
            _l("Stage deliverables due or to accept"),
            award_count(AwardState.AGREEMENT_SIGNED, due_only=True) + award_count(AwardState.DELIVERED),
        ),
        ("payments_approve", _l("Stage payments to approve"), award_count(AwardState.ACCEPTED)),
        ("payments_register", _l("Stage payments to register as paid"), award_count(AwardState.PAYMENT_APPROVED)),
    )
    for key, label, n in award_lines:
        if n:
            add(key, label, n, n, awards_url)

    if contract.contract is not None:
        contract_url = url_for("contracts.manage", slug=slug)
        m, c = contract.milestones, contract.claims
        contract_lines = (
            (
                "contract_deliverables",
                _l("Contract deliverables overdue or to accept"),
                contract.overdue_milestones + m.get(MilestoneState.DELIVERED, 0),
            ),
            ("claims_to_verify", _l("Outcome claims awaiting the verifier"), c.get(ClaimState.SUBMITTED, 0)),
            (
                "contract_payments_approve",
                _l("Contract payments to approve"),
                m.get(MilestoneState.ACCEPTED, 0) + c.get(ClaimState.VERIFIED, 0),
            ),
            (
                "contract_payments_register",
                _l("Contract payments to register as paid"),
                m.get(MilestoneState.PAYMENT_APPROVED, 0) + c.get(ClaimState.APPROVED, 0),
            ),
        )
        for key, label, n in contract_lines:
            if n:
                add(key, label, n, n, contract_url)
    return cockpit
