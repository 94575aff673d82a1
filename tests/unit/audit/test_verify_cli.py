"""`flask audit verify [--against]` and `flask audit seal` (R41), on SQLite and PostgreSQL."""

from compete.audit.services import Actor, heads, record
from tests.audit_tampering import tamper
from tests.factories import make_competition, make_officer, make_org


def _three_entries():
    buyer = make_org(buyer=True)
    officer = make_officer(buyer)
    competition = make_competition(buyer)
    actor = Actor(officer, buyer, "officer")
    entries = [record(actor, f"test.step{i}", competition, competition=competition, after={"i": i}) for i in (1, 2, 3)]
    return competition, entries


def test_verify_passes_on_an_intact_chain(app):
    _three_entries()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert result.stdout == "audit trail intact: 3 entries\n"


def test_verify_catches_an_altered_entry(app):
    competition, _ = _three_entries()
    tamper("UPDATE audit_entries SET after = :after WHERE chain = :c AND seq = 2", after='{"i": 99}', c=competition.id)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert result.stdout == (
        f"audit trail broken at entry 2 of chain {competition.id}: content was altered (1 entries verified before it)\n"
    )


def test_verify_catches_a_deleted_entry(app):
    competition, _ = _three_entries()
    tamper("DELETE FROM audit_entries WHERE chain = :c AND seq = 2", c=competition.id)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert result.stdout == (
        f"audit trail broken at entry 2 of chain {competition.id}: entry 2 is missing (1 entries verified before it)\n"
    )


def test_verify_catches_a_deleted_last_entry(app):
    competition, _ = _three_entries()
    tamper("DELETE FROM audit_entries WHERE chain = :c AND seq = 3", c=competition.id)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert result.stdout == (
        f"audit trail broken at entry 3 of chain {competition.id}: entries after 2 were removed "
        "(2 entries verified before it)\n"
    )


def test_a_truncated_chain_with_a_moved_head_passes_plain_verify_but_fails_against_the_seal(app):
    competition, entries = _three_entries()
    (sealed,) = heads([competition.id])
    tamper("DELETE FROM audit_entries WHERE chain = :c AND seq = 3", c=competition.id)
    tamper("UPDATE audit_head SET seq = 2, hash = :h WHERE id = :c", h=entries[1].hash, c=competition.id)
    runner = app.test_cli_runner()

    assert runner.invoke(args=["audit", "verify"]).stdout == "audit trail intact: 2 entries\n"
    result = runner.invoke(args=["audit", "verify", "--against", sealed.token()])

    assert result.exit_code == 1
    assert result.stdout == (
        f"audit trail broken at entry 3 of chain {competition.id}: the sealed entry is gone: the chain was cut"
        " (2 entries verified before it)\n"
    )


def test_verify_against_a_seal_file_and_a_bad_seal(app, tmp_path):
    _three_entries()
    runner = app.test_cli_runner()
    seal = runner.invoke(args=["audit", "seal"])
    path = tmp_path / "seal.txt"
    path.write_text(seal.stdout.splitlines()[1] + "\n")

    assert runner.invoke(args=["audit", "verify", "--against", str(path)]).stdout == (
        "audit trail intact: 3 entries, 1 sealed heads found\n"
    )
    bad = runner.invoke(args=["audit", "verify", "--against", "1:2:xyz"])
    assert bad.exit_code == 2
    assert "not a sealed head (chain:seq:hash): '1:2:xyz'" in bad.output
