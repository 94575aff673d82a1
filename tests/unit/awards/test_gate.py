"""The agreement gate after a decision: notices, standstill, complaints (R31–R33)."""

from datetime import timedelta

from compete.audit import protocol
from compete.awards.gate import agreement_blocked
from compete.awards.models import Complaint, Decision
from compete.core.time import frozen_at, now
from compete.extensions import db
from tests.factories_jury import make_jury_stage


def test_gate_follows_notices_standstill_and_complaints(app):
    setup, _officer, _entries, _seats = make_jury_stage(entries=2, jurors=1)
    stage = setup.stage
    assert "No decision" in agreement_blocked(stage, "en")
    moment = now()
    decision = Decision(stage=stage, decided_by=setup.officer, decided_at=moment)
    db.session.add(decision)
    db.session.flush()
    assert "notices" in agreement_blocked(stage, "en")
    decision.notices_sent_at = moment
    decision.standstill_ends_at = moment + timedelta(days=10)
    db.session.flush()
    assert "standstill" in agreement_blocked(stage, "en")
    complaint = Complaint(decision=decision, received_at=moment + timedelta(days=1), text="Unfair")
    db.session.add(complaint)
    db.session.flush()
    with frozen_at(moment + timedelta(days=10)):
        assert "complaint" in agreement_blocked(stage, "en")
        complaint.response, complaint.responded_at = "Answered", now()
        db.session.flush()
        assert agreement_blocked(stage, "en") is None


def test_protocol_collects_registered_sections_in_order(app):
    setup, _officer, _entries, _seats = make_jury_stage(entries=1, jurors=1)
    protocol.section("zz_test_late", "Late", order=10_000)(lambda c: [{"slug": c.slug}])
    protocol.section("zz_test_early", "Early", order=-1)(lambda c: [])
    try:
        built = protocol.build(setup.competition)
        keys = [s["key"] for s in built["sections"]]
        assert keys[0] == "zz_test_early" and keys[-1] == "zz_test_late"
        assert built["sections"][-1]["rows"] == [{"slug": setup.competition.slug}]
        assert built["generated_at"].endswith("Z")
    finally:
        protocol._SECTIONS.pop("zz_test_late")
        protocol._SECTIONS.pop("zz_test_early")
