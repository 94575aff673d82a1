"""Who scores what: everyone everything, or N jurors per entry with balanced load, chosen by the
officer before scoring opens; conflicted jurors are never assigned (R22). Services flush only."""

from __future__ import annotations

from sqlalchemy import delete, select

from compete.audit.services import Actor, record
from compete.competitions.models import Stage
from compete.competitions.states import StageState
from compete.core.errors import DomainError
from compete.core.i18n import lazy_gettext as _l
from compete.core.time import now
from compete.extensions import db
from compete.jury import balancing, queries
from compete.jury.models import Answer, Assignment, AssignmentMode, AssignmentPlan, EntryDeclaration, JurySeat

BEFORE_SCORING = (StageState.PLANNED, StageState.FORMAL_CHECK)


def set_assignment(stage: Stage, mode: AssignmentMode, per_entry: int | None, actor: Actor) -> dict[str, int]:
    """Choose how entries are shared among the jurors, before scoring opens.

    N per entry needs every juror's declaration (and a ruling on every doubt) so that conflicts are
    known; entries that cannot get N non-conflicted jurors get all they can and are returned
    (code -> number of jurors) so that the officer is told."""
    if stage.state not in BEFORE_SCORING:
        raise DomainError(_l("The assignment is chosen before scoring opens."), code="state")
    seats = queries.active_seats(stage)
    entries = queries.entries(stage)
    seat_ids = [s.id for s in seats]
    if seat_ids:
        db.session.execute(delete(Assignment).where(Assignment.seat_id.in_(seat_ids)))
    plan = queries.assignment_plan(stage)
    if plan is None:
        plan = AssignmentPlan(stage_id=stage.id, mode=mode, set_by_id=actor.user.id, set_at=now())
        db.session.add(plan)
    short: dict[str, int] = {}
    assigned: dict[str, list[str]] = {}
    if mode == AssignmentMode.ALL:
        plan.mode, plan.jurors_per_entry = AssignmentMode.ALL, None
    else:
        if per_entry is None or not 1 <= per_entry <= len(seats):
            raise DomainError(_l("Choose from 1 to %(n)s jurors per entry.", n=len(seats)), code="per_entry")
        conflicts = _known_conflicts(stage, seats)
        result = balancing.balance(seat_ids, [e.id for e in entries], per_entry, conflicts, seed=stage.id)
        names = {s.id: s.user.name for s in seats}
        for entry in entries:
            for seat_id in result.assigned[entry.id]:
                db.session.add(Assignment(seat_id=seat_id, submission_id=entry.id))
            assigned[entry.code] = [names[s] for s in result.assigned[entry.id]]
            if entry.id in result.short:
                short[entry.code] = result.short[entry.id]
        plan.mode, plan.jurors_per_entry = AssignmentMode.PER_ENTRY, per_entry
    plan.set_by_id, plan.set_at = actor.user.id, now()
    db.session.flush()
    record(
        actor,
        "jury.assignment_set",
        plan,
        competition=stage.competition,
        after={
            "mode": plan.mode.value,
            "jurors_per_entry": plan.jurors_per_entry,
            "assignments": assigned,
            "short": short,
        },
    )
    return short


def _known_conflicts(stage: Stage, seats: list[JurySeat]) -> set[tuple[int, int]]:
    undeclared = [s.user.name for s in seats if s.declared_at is None]
    if undeclared:
        raise DomainError(
            _l(
                "Every juror must file the impartiality declaration before entries are assigned. Missing: %(names)s",
                names=", ".join(undeclared),
            ),
            code="undeclared",
        )
    declarations = db.session.scalars(
        select(EntryDeclaration).where(EntryDeclaration.seat_id.in_([s.id for s in seats]))
    ).all()
    if any(d.answer == Answer.IN_DOUBT and d.ruled_conflict is None for d in declarations):
        raise DomainError(_l("Rule on every declaration in doubt before entries are assigned."), code="doubt")
    cleared = {(d.seat_id, d.submission_id) for d in declarations if d.conflicted is False}
    # No declaration for an entry (it became eligible later) counts as a conflict until declared.
    return {(s.id, e.id) for s in seats for e in queries.entries(stage)} - cleared
