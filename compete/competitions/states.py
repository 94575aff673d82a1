"""Competition and stage life cycles (DOMAIN.md §2) as data."""

import enum


class CompetitionState(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CONTRACT = "contract"
    COMPLETED = "completed"
    ARCHIVED = "archived"
    CANCELLED = "cancelled"


class StageState(enum.StrEnum):
    """Stored stage states. OPEN and CLOSED are derived from the clock (see Stage.phase)."""

    PLANNED = "planned"
    FORMAL_CHECK = "formal_check"
    JURY_SCORING = "jury_scoring"
    RANKING_LOCKED = "ranking_locked"
    DEANONYMISED = "deanonymised"
    DECIDED = "decided"


class StageKind(enum.StrEnum):
    IDEA_SKETCH = "idea_sketch"
    FURTHER_DEVELOPMENT = "further_development"
    SOLUTION_DEVELOPMENT = "solution_development"


class StagePhase(enum.StrEnum):
    """What a visitor sees: the stored state combined with the clock."""

    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"
    FORMAL_CHECK = "formal_check"
    JURY_SCORING = "jury_scoring"
    RANKING_LOCKED = "ranking_locked"
    DEANONYMISED = "deanonymised"
    DECIDED = "decided"


# Who may make which move. Roles: "officer" (of the competition), "functionary",
# "system" (the platform itself, e.g. when the last juror approves the report).
# Domain preconditions (R1 validation, every juror approved, …) are checked by the
# service that asks for the move; the table says which moves exist at all.
COMPETITION_TRANSITIONS: dict[tuple[CompetitionState, CompetitionState], frozenset[str]] = {
    (CompetitionState.DRAFT, CompetitionState.PUBLISHED): frozenset({"officer"}),
    (CompetitionState.DRAFT, CompetitionState.CANCELLED): frozenset({"officer"}),
    (CompetitionState.PUBLISHED, CompetitionState.CANCELLED): frozenset({"officer"}),
    (CompetitionState.PUBLISHED, CompetitionState.CONTRACT): frozenset({"officer"}),
    (CompetitionState.PUBLISHED, CompetitionState.COMPLETED): frozenset({"officer"}),
    (CompetitionState.CONTRACT, CompetitionState.COMPLETED): frozenset({"officer"}),
    (CompetitionState.COMPLETED, CompetitionState.ARCHIVED): frozenset({"officer"}),
}

# Stage moves start from the phase (stored state + clock): OPEN and CLOSED are never
# stored, so "the deadline has passed" is a precondition derived at write time.
STAGE_TRANSITIONS: dict[tuple[StagePhase, StageState], frozenset[str]] = {
    (StagePhase.CLOSED, StageState.FORMAL_CHECK): frozenset({"officer", "functionary"}),
    (StagePhase.FORMAL_CHECK, StageState.JURY_SCORING): frozenset({"officer", "functionary"}),
    (StagePhase.JURY_SCORING, StageState.RANKING_LOCKED): frozenset({"system"}),
    (StagePhase.RANKING_LOCKED, StageState.DEANONYMISED): frozenset({"officer"}),
    (StagePhase.DEANONYMISED, StageState.DECIDED): frozenset({"officer"}),
    # A stage that was never anonymous has nothing to de-anonymise (the awards service refuses
    # this move for anonymous stages: R30 comes first).
    (StagePhase.RANKING_LOCKED, StageState.DECIDED): frozenset({"officer"}),
}
