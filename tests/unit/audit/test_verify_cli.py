"""`flask audit verify` detects an altered and a removed entry (R41), on SQLite and PostgreSQL."""

from sqlalchemy import text

from compete.audit.services import Actor, record
from compete.extensions import db
from tests.factories import make_competition, make_officer, make_org


def _three_entries():
    buyer = make_org(buyer=True)
    officer = make_officer(buyer)
    competition = make_competition(buyer)
    actor = Actor(officer, buyer, "officer")
    entries = [record(actor, f"test.step{i}", competition, competition=competition, after={"i": i}) for i in (1, 2, 3)]
    return [entry.seq for entry in entries]


def test_verify_passes_on_an_intact_chain(app):
    entries = _three_entries()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert result.output == f"audit trail intact: {entries[-1]} entries\n"


def test_verify_catches_an_altered_entry(app):
    entries = _three_entries()
    db.session.execute(
        text("UPDATE audit_entries SET after = :after WHERE seq = :seq"),
        {"after": '{"i": 99}', "seq": entries[1]},
    )
    db.session.expire_all()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert result.output == (
        f"audit trail broken at entry {entries[1]}: content was altered ({entries[1] - 1} entries verified before it)\n"
    )


def test_verify_catches_a_deleted_entry(app):
    entries = _three_entries()
    db.session.execute(text("DELETE FROM audit_entries WHERE seq = :seq"), {"seq": entries[1]})
    db.session.expire_all()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert result.output == (
        f"audit trail broken at entry {entries[1]}: entry {entries[1]} is missing "
        f"({entries[1] - 1} entries verified before it)\n"
    )


def test_verify_catches_a_deleted_last_entry(app):
    entries = _three_entries()
    db.session.execute(text("DELETE FROM audit_entries WHERE seq = :seq"), {"seq": entries[2]})
    db.session.expire_all()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert result.output == (
        f"audit trail broken at entry {entries[2]}: entries after {entries[2] - 1} were removed "
        f"({entries[2] - 1} entries verified before it)\n"
    )
