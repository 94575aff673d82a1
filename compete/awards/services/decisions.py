"""Recording the decision of a stage from the jury's locked ranking (R28, R36)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from compete.audit.services import Actor, record
from compete.awards.models import Decision, Selection, StageAward
from compete.awards.states import AwardKind, AwardState
from compete.competitions.models import Stage
from compete.competitions.services.lifecycle import transition_stage
from compete.competitions.states import StageKind, StageState
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.jury import queries as jury_queries
from compete.submissions.models import Submission


def next_stage(stage: Stage) -> Stage | None:
    return next((s for s in stage.competition.stages if s.position == stage.position + 1), None)


def is_final(stage: Stage) -> bool:
    """The stage that picks the winner: the last one, or the one before the development contract."""
    following = next_stage(stage)
    return following is None or following.kind == StageKind.SOLUTION_DEVELOPMENT


def announced_count(stage: Stage) -> int:
    """How many the call said would be selected: one winner in the final stage (R36)."""
    return 1 if is_final(stage) else stage.advancing_count


def ranking(stage: Stage) -> list:
    """The jury's locked ranking of the stage's entries (only entries with a total)."""
    return [r for r in jury_queries.ranking(stage) if r.total is not None]


def proposal(stage: Stage, ranked: list | None = None) -> list[int]:
    """The entries the ranking proposes: the top N by rank, N as announced."""
    ranked = ranking(stage) if ranked is None else ranked
    return [r.entry for r in ranked[: announced_count(stage)]]


def deviates(ranked: list, selected: list[int]) -> bool:
    """True when an entry ranked strictly better than a selected one was left out (ties are not a
    deviation: the jury could not separate them)."""
    if not selected:
        return False
    ranks = {r.entry: r.rank for r in ranked}
    worst_selected = max(ranks[entry] for entry in selected)
    return any(rank < worst_selected for entry, rank in ranks.items() if entry not in set(selected))


@dataclass(frozen=True)
class Check:
    """What the decision form needs to know before recording: R28 and R36 in advance."""

    announced: int
    deviation: bool
    fewer: bool


def check_selection(stage: Stage, selected: list[int], ranked: list | None = None) -> Check:
    ranked = ranking(stage) if ranked is None else ranked
    return Check(announced_count(stage), deviates(ranked, selected), len(selected) < announced_count(stage))


def decision_for(stage: Stage) -> Decision | None:
    return db.session.scalars(select(Decision).where(Decision.stage_id == stage.id)).first()


def record_decision(
    stage: Stage,
    actor: Actor,
    selected: list[int],
    *,
    deviation_reasons: str = "",
    fewer_reason: str = "",
) -> Decision:
    """Record who advances (or wins) from the locked ranking and move the stage to DECIDED.

    Refused: before the ranking is locked (and, in an anonymous stage, de-anonymised, R30); a
    selection outside the ranking or larger than announced; a deviation from a binding jury's
    ranking; a deviation from an advisory jury's ranking without written reasons (R28); fewer
    than announced without a recorded reason (R36). Creates a Selection per selected entry and,
    where the stage pays an award, a StageAward in AWARDED.
    """
    if decision_for(stage) is not None:
        raise DomainError(_l("This stage has already been decided."), code="decided")
    if stage.state == StageState.RANKING_LOCKED and stage.anonymous:
        raise DomainError(_l("De-anonymise the locked ranking before recording the decision."), code="anonymous")
    if stage.state not in (StageState.RANKING_LOCKED, StageState.DEANONYMISED):
        raise DomainError(_l("The decision needs the jury's locked ranking."), code="not_locked")
    ranked = ranking(stage)
    ranks = {r.entry: r for r in ranked}
    selected = list(dict.fromkeys(int(s) for s in selected))
    if not selected:
        raise DomainError(_l("Select at least one participant."), code="empty")
    if any(entry not in ranks for entry in selected):
        raise DomainError(_l("Only entries in the jury's ranking can be selected."), code="unknown")
    check = check_selection(stage, selected, ranked)
    if len(selected) > check.announced:
        raise DomainError(
            _l(
                "The call announced %(count)s; you selected %(selected)s.",
                count=check.announced,
                selected=len(selected),
            ),
            code="too_many",
        )
    deviation_reasons = (deviation_reasons or "").strip()
    fewer_reason = (fewer_reason or "").strip()
    if check.deviation:
        if stage.competition.jury_binding:
            raise DomainError(_l("The jury is binding: the decision must follow its ranking."), code="binding")
        if not deviation_reasons:
            raise DomainError(
                _l("The selection deviates from the jury's ranking: write the reasons for the deviation."),
                code="deviation_reasons",
            )
    if check.fewer and not fewer_reason:
        raise DomainError(
            _l(
                "The call announced %(count)s: write why fewer are selected.",
                count=check.announced,
            ),
            code="fewer_reason",
        )
    moment = now()
    decision = Decision(
        stage=stage,
        decided_by=actor.user,
        decided_at=moment,
        deviation_reasons=deviation_reasons if check.deviation else "",
        fewer_reason=fewer_reason if check.fewer else "",
        is_final=is_final(stage),
    )
    db.session.add(decision)
    db.session.flush()
    submissions = {s.id: s for s in db.session.scalars(select(Submission).where(Submission.id.in_(list(ranks))))}
    for entry in selected:
        submission = submissions[entry]
        selection = Selection(
            stage_id=stage.id,
            organisation_id=submission.organisation_id,
            decided_at=moment,
            decision=decision,
            submission_id=submission.id,
            rank=ranks[entry].rank,
        )
        db.session.add(selection)
        db.session.flush()
        if stage.award_amount > 0:
            db.session.add(
                StageAward(
                    stage_id=stage.id,
                    decision_id=decision.id,
                    selection_id=selection.id,
                    organisation_id=submission.organisation_id,
                    kind=AwardKind.WINNER if decision.is_final else AwardKind.STAGE,
                    amount=stage.award_amount,
                    state=AwardState.AWARDED,
                )
            )
    db.session.flush()
    transition_stage(stage, StageState.DECIDED, actor)
    record(
        actor,
        "awards.decision_recorded",
        decision,
        competition=stage.competition,
        after={
            "stage": stage.position,
            "selected": [submissions[e].code for e in selected],
            "proposed": [submissions[e].code for e in proposal(stage, ranked)],
            "deviation": check.deviation,
            "deviation_reasons": decision.deviation_reasons,
            "fewer_reason": decision.fewer_reason,
            "final": decision.is_final,
        },
    )
    return decision
