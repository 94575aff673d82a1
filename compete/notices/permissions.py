"""Who may prepare, download and record the eForms notices (named predicates for views and templates)."""

from __future__ import annotations

from compete.competitions.models import Competition
from compete.competitions.permissions import can_manage_competition


def can_manage_notices(user, competition: Competition) -> bool:
    """Only the officers of the competition's buyer organisations (lead or co-owner)."""
    return bool(user is not None and getattr(user, "is_authenticated", False)) and can_manage_competition(
        user, competition
    )
