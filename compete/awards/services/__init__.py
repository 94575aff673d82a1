"""Writes for awards: decisions, notices, complaints, stage awards. Services flush only; the
request commits."""

from compete.awards.services.awards import due_at, received_at, set_due_date, transition_award
from compete.awards.services.complaints import register_complaint, respond, took_part
from compete.awards.services.decisions import (
    announced_count,
    check_selection,
    decision_for,
    deviates,
    is_final,
    next_stage,
    proposal,
    ranking,
    record_decision,
)
from compete.awards.services.notices import (
    build_letters,
    hydrate,
    names_visible,
    outcome_of,
    participants,
    send_notices,
    standstill_end,
)

__all__ = [
    "announced_count",
    "build_letters",
    "check_selection",
    "decision_for",
    "deviates",
    "due_at",
    "hydrate",
    "is_final",
    "names_visible",
    "next_stage",
    "outcome_of",
    "participants",
    "proposal",
    "ranking",
    "received_at",
    "record_decision",
    "register_complaint",
    "respond",
    "send_notices",
    "set_due_date",
    "standstill_end",
    "took_part",
    "transition_award",
]
