"""The hash-chained audit trail (R41): append, verify, and detect tampering."""

from datetime import UTC, datetime

from sqlalchemy import func, select, text

from compete.audit.models import AuditEntry
from compete.audit.services import GENESIS, Actor, entry_hash, record, verify_chain
from compete.extensions import db
from tests.factories import make_competition, make_officer


def _three_entries():
    officer = make_officer()
    buyer = officer.memberships[0].organisation
    competition = make_competition(buyer)
    actor = Actor(officer, buyer, "officer")
    first = record(actor, "competition.created", competition, competition=competition, after={"title": "A"})
    second = record(
        actor,
        "competition.edited",
        competition,
        competition=competition,
        before={"title": "A"},
        after={"title": "Ærlig tittel"},
    )
    third = record(Actor.system(), "stage.formal_check", ("Stage", 7), competition=competition)
    return officer, buyer, competition, [first, second, third]


def test_entries_are_chained_in_order(app, clock):
    clock.set(datetime(2026, 3, 15, 11, 0, tzinfo=UTC))
    officer, buyer, competition, (first, second, third) = _three_entries()

    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert first.hash == entry_hash(first)
    assert (second.actor_id, second.actor_email, second.organisation_id, second.role) == (
        officer.id,
        officer.email,
        buyer.id,
        "officer",
    )
    assert (second.target_type, second.target_id, second.competition_id) == (
        "Competition",
        str(competition.id),
        competition.id,
    )
    assert second.before == {"title": "A"}
    assert second.after == {"title": "Ærlig tittel"}
    assert second.at == datetime(2026, 3, 15, 11, 0, tzinfo=UTC)
    assert (third.target_type, third.target_id, third.role, third.actor_id) == ("Stage", "7", "system", None)


def test_intact_chain_verifies(app):
    _three_entries()
    result = verify_chain()
    assert (result.ok, result.checked, result.bad_seq) == (True, 3, None)


def test_altered_entry_is_found(app):
    _three_entries()
    db.session.execute(text("UPDATE audit_entries SET after = :after WHERE seq = 2"), {"after": '{"title": "B"}'})
    db.session.expire_all()

    result = verify_chain()

    assert (result.ok, result.bad_seq, result.reason) == (False, 2, "content was altered")
    assert result.checked == 1


def test_removed_entry_in_the_middle_is_found(app):
    _three_entries()
    db.session.execute(text("DELETE FROM audit_entries WHERE seq = 2"))
    db.session.expire_all()

    result = verify_chain()

    assert (result.ok, result.bad_seq, result.reason) == (False, 2, "entry 2 is missing")


def test_removed_last_entry_is_found(app):
    _three_entries()
    db.session.execute(text("DELETE FROM audit_entries WHERE seq = 3"))
    db.session.expire_all()

    result = verify_chain()

    assert (result.ok, result.bad_seq, result.reason) == (False, 3, "entries after 2 were removed")


def test_rehashed_forgery_breaks_the_link_to_the_next_entry(app):
    _three_entries()
    forged = db.session.scalars(select(AuditEntry).where(AuditEntry.seq == 2)).one()
    forged.after = {"title": "Forged"}
    forged.hash = entry_hash(forged)
    db.session.flush()

    result = verify_chain()

    assert (result.ok, result.bad_seq, result.reason) == (False, 3, "does not follow the previous entry")


def test_cli_verify_exits_non_zero_naming_the_entry(app):
    _three_entries()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "verify"]).output == "audit trail intact: 3 entries\n"

    db.session.execute(text("UPDATE audit_entries SET action = 'competition.hidden' WHERE seq = 1"))
    db.session.expire_all()
    result = runner.invoke(args=["audit", "verify"])

    assert result.exit_code == 1
    assert result.output == "audit trail broken at entry 1: content was altered (0 entries verified before it)\n"


def test_entries_are_never_more_than_one_per_sequence_number(app):
    _three_entries()
    assert db.session.scalar(select(func.count(func.distinct(AuditEntry.seq)))) == 3
