"""Writes for competitions. Only flush; the request commits."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from compete.audit.services import Actor, record
from compete.competitions.models import Competition, Stage
from compete.competitions.states import (
    COMPETITION_TRANSITIONS,
    STAGE_TRANSITIONS,
    CompetitionState,
    StageState,
)
from compete.core.errors import DomainError
from compete.core.time import now


def transition_competition(
    competition: Competition, target: CompetitionState, actor: Actor, *, reason: str | None = None
) -> None:
    """The single way a competition changes state: check the table, mutate, audit.

    Callers check their own preconditions first (R1 before publishing, …).
    """
    source = competition.state
    allowed = COMPETITION_TRANSITIONS.get((source, target))
    if allowed is None:
        raise DomainError(
            _l("A competition cannot go from %(source)s to %(target)s.", source=source.value, target=target.value),
            code="transition",
        )
    if actor.role not in allowed:
        raise DomainError(_l("You may not make this change."), code="forbidden")
    if target == CompetitionState.CANCELLED:
        if not (reason and reason.strip()):
            raise DomainError(_l("Cancelling needs an objective reason."), code="reason")
        competition.cancel_reason = reason.strip()
        competition.cancelled_at = now()
    if target == CompetitionState.PUBLISHED and competition.published_at is None:
        competition.published_at = now()
    competition.state = target
    record(
        actor,
        f"competition.{target.value}",
        competition,
        competition=competition,
        before={"state": source},
        after={"state": target, **({"reason": reason} if reason else {})},
    )


def transition_stage(stage: Stage, target: StageState, actor: Actor, *, reason: str | None = None) -> None:
    """The single way a stage changes stored state, from its clock-derived phase.

    Callers check their own preconditions first (every juror approved, …).
    """
    phase = stage.phase(now())
    allowed = STAGE_TRANSITIONS.get((phase, target))
    if allowed is None:
        raise DomainError(
            _l("The stage cannot go from %(source)s to %(target)s.", source=phase.value, target=target.value),
            code="transition",
        )
    if actor.role not in allowed:
        raise DomainError(_l("You may not make this change."), code="forbidden")
    if stage.competition.state != CompetitionState.PUBLISHED:
        raise DomainError(_l("The competition is not running."), code="transition")
    stage.state = target
    record(
        actor,
        f"stage.{target.value}",
        stage,
        competition=stage.competition,
        before={"phase": phase},
        after={"state": target, **({"reason": reason} if reason else {})},
    )
