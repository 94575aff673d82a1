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
