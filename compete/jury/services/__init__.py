"""Writes for the jury: seats (R21, R23, R29), impartiality (R22), assignment, scoring (R25, R28),
clarification questions (R26), consensus, approval of the report and locking (R27),
de-anonymisation (R30). Services flush only; the request commits."""

from compete.jury.services.assignment import set_assignment
from compete.jury.services.clarifications import ask, decline, forward, relay, respond
from compete.jury.services.impartiality import accept_briefing, can_see, declare, rule, undeclared_entries
from compete.jury.services.scoring import (
    approve_report,
    deanonymise,
    open_scoring,
    record_remark,
    report_hash,
    save_scorecard,
)
from compete.jury.services.seats import appoint, appoint_staff, is_functionary, replace

__all__ = [
    "accept_briefing",
    "appoint",
    "appoint_staff",
    "approve_report",
    "ask",
    "can_see",
    "deanonymise",
    "declare",
    "decline",
    "forward",
    "is_functionary",
    "open_scoring",
    "record_remark",
    "relay",
    "replace",
    "report_hash",
    "respond",
    "rule",
    "save_scorecard",
    "set_assignment",
    "undeclared_entries",
]
