"""Who may handle innsyn requests (named predicates for views and templates)."""

from __future__ import annotations

from compete.competitions.models import Competition
from compete.competitions.permissions import can_manage_competition
from compete.competitions.states import CompetitionState


def can_handle_innsyn(user, competition: Competition) -> bool:
    """Only the officers of the competition's buyer organisations register, prepare and release."""
    return bool(user is not None and getattr(user, "is_authenticated", False)) and can_manage_competition(
        user, competition
    )


def can_request_innsyn(competition: Competition) -> bool:
    """Anyone, signed in or not, may ask for the documents of a competition that has been published."""
    return competition.state != CompetitionState.DRAFT and competition.published_at is not None
