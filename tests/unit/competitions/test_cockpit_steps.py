"""Where a stage stands on the cockpit's timeline, from its phase, its decision and the contract."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from compete.competitions.cockpit import _current_step, _timeline
from compete.competitions.states import StagePhase

AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SENT = SimpleNamespace(notices_sent_at=AT - timedelta(days=3), standstill_ends_at=AT + timedelta(days=7))
OVER = SimpleNamespace(notices_sent_at=AT - timedelta(days=20), standstill_ends_at=AT - timedelta(days=10))
UNSENT = SimpleNamespace(notices_sent_at=None, standstill_ends_at=None)
SIGNED = SimpleNamespace(is_signed=True)
DRAFTED = SimpleNamespace(is_signed=False)


@pytest.mark.parametrize(
    ("phase", "decision", "jury", "contract_step", "contract", "expected"),
    [
        (StagePhase.UPCOMING, None, None, False, None, None),
        (StagePhase.OPEN, None, None, False, None, "open"),
        (StagePhase.CLOSED, None, None, False, None, "closed"),
        (StagePhase.FORMAL_CHECK, None, None, False, None, "formal_check"),
        (StagePhase.JURY_SCORING, None, (6, 5), False, None, "scoring"),
        (StagePhase.JURY_SCORING, None, (0, 0), False, None, "scoring"),
        (StagePhase.JURY_SCORING, None, (6, 6), False, None, "report"),
        (StagePhase.RANKING_LOCKED, None, None, False, None, "decision"),
        (StagePhase.DEANONYMISED, None, None, False, None, "decision"),
        (StagePhase.DECIDED, UNSENT, None, False, None, "letters"),
        (StagePhase.DECIDED, SENT, None, True, None, "standstill"),
        (StagePhase.DECIDED, OVER, None, False, None, ""),
        (StagePhase.DECIDED, OVER, None, True, None, "contract"),
        (StagePhase.DECIDED, OVER, None, True, DRAFTED, "contract"),
        (StagePhase.DECIDED, OVER, None, True, SIGNED, ""),
    ],
)
def test_the_current_step(phase, decision, jury, contract_step, contract, expected):
    step = _current_step(None, phase, decision, jury, at=AT, contract_step=contract_step, contract=contract)
    assert step == expected


def test_steps_before_are_done_and_after_are_to_do():
    steps = _timeline(None, "decision", contract_step=True)
    assert [(s.key, s.status) for s in steps] == [
        ("open", "done"),
        ("closed", "done"),
        ("formal_check", "done"),
        ("scoring", "done"),
        ("report", "done"),
        ("decision", "current"),
        ("letters", "todo"),
        ("standstill", "todo"),
        ("contract", "todo"),
    ]
    assert {s.status for s in _timeline(None, "", contract_step=False)} == {"done"}
    assert {s.status for s in _timeline(None, None, contract_step=False)} == {"todo"}
    assert "contract" not in [s.key for s in _timeline(None, "open", contract_step=False)]
