"""Assignment (everyone or N per entry), progress and missing scorecards that follow it."""

import pytest
from sqlalchemy import select

from compete.audit.models import AuditEntry
from compete.competitions.states import StageState
from compete.core.errors import DomainError
from compete.extensions import db
from compete.jury import queries, services
from compete.jury.models import Answer, Assignment, AssignmentMode
from tests.factories import make_user
from tests.factories_jury import declare_all_clear, make_jury_stage, score


@pytest.fixture
def declared(app):
    setup, officer, entries, seats = make_jury_stage(entries=6, jurors=4)
    setup.stage.state = StageState.FORMAL_CHECK
    for index, seat in enumerate(seats):
        declare_all_clear(seat, entries, {entries[0].id: (Answer.CONFLICT, "Eier")} if index == 1 else {})
    return setup, officer, entries, seats


def _pairs(seats):
    return set(
        db.session.execute(
            select(Assignment.seat_id, Assignment.submission_id).where(Assignment.seat_id.in_([s.id for s in seats]))
        )
    )


def test_per_entry_assignment_is_balanced_never_conflicted_and_audited(declared):
    setup, officer, entries, seats = declared

    short = services.set_assignment(setup.stage, AssignmentMode.PER_ENTRY, 2, officer)

    pairs = _pairs(seats)
    assert short == {}
    assert len(pairs) == 12
    assert (seats[1].id, entries[0].id) not in pairs
    loads = [sum(1 for s, _e in pairs if s == seat.id) for seat in seats]
    assert sorted(loads) == [3, 3, 3, 3]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "jury.assignment_set")).one()
    assert entry.after["mode"] == "per_entry"
    assert entry.after["jurors_per_entry"] == 2
    assert sorted(len(v) for v in entry.after["assignments"].values()) == [2] * 6


def test_an_entry_short_of_jurors_is_reported(declared):
    setup, officer, entries, _seats = declared

    short = services.set_assignment(setup.stage, AssignmentMode.PER_ENTRY, 4, officer)

    assert short == {entries[0].code: 3}
    progress = queries.progress(setup.stage)
    assert progress["short"] == [{"code": entries[0].code, "jurors": 3, "wanted": 4}]


def test_assignment_needs_declarations_and_rulings_first(app):
    setup, officer, entries, seats = make_jury_stage(entries=2, jurors=2)
    setup.stage.state = StageState.FORMAL_CHECK
    declare_all_clear(seats[0], entries)
    with pytest.raises(DomainError) as excinfo:
        services.set_assignment(setup.stage, AssignmentMode.PER_ENTRY, 1, officer)
    assert excinfo.value.code == "undeclared"
    declare_all_clear(seats[1], entries, {entries[1].id: (Answer.IN_DOUBT, "Kjenner dem")})
    with pytest.raises(DomainError) as excinfo:
        services.set_assignment(setup.stage, AssignmentMode.PER_ENTRY, 1, officer)
    assert excinfo.value.code == "doubt"


def test_assignment_is_chosen_before_scoring_opens(declared):
    setup, officer, _entries, _seats = declared
    setup.stage.state = StageState.JURY_SCORING
    with pytest.raises(DomainError) as excinfo:
        services.set_assignment(setup.stage, AssignmentMode.ALL, None, officer)
    assert excinfo.value.code == "state"


@pytest.mark.parametrize("per_entry", [0, 5, None])
def test_per_entry_must_fit_the_jury(declared, per_entry):
    setup, officer, _entries, _seats = declared
    with pytest.raises(DomainError) as excinfo:
        services.set_assignment(setup.stage, AssignmentMode.PER_ENTRY, per_entry, officer)
    assert excinfo.value.code == "per_entry"


def test_queue_scoring_progress_and_missing_follow_the_assignment(declared):
    setup, officer, entries, seats = declared
    services.set_assignment(setup.stage, AssignmentMode.PER_ENTRY, 2, officer)
    setup.stage.state = StageState.JURY_SCORING
    pairs = _pairs(seats)
    mine = [e for e in entries if (seats[0].id, e.id) in pairs]
    other = next(e for e in entries if (seats[0].id, e.id) not in pairs)

    with pytest.raises(DomainError) as excinfo:
        score(seats[0], other, [5, 5, 5, 5])
    assert excinfo.value.code == "not_assigned"
    score(seats[0], mine[0], [5, 5, 5, 5])
    score(seats[0], mine[1], [5, 5, 5, 5], submit=False)

    progress = queries.progress(setup.stage)
    first = progress["jurors"][0]
    assert (first["assigned"], first["submitted"], first["draft"], first["missing"], first["conflict"]) == (
        3,
        1,
        1,
        1,
        0,
    )
    assert sum(row["jurors"] for row in progress["entries"]) == 12
    assert next(r for r in progress["entries"] if r["entry"].id == entries[0].id)["conflict"] == 1
    missing = queries.jury_report(setup.stage)["missing_scorecards"]
    assert len(missing) == 11
    assert f"{seats[0].user.name}: {other.code}" not in missing


def test_back_to_everyone_clears_the_rows(declared):
    setup, officer, _entries, seats = declared
    services.set_assignment(setup.stage, AssignmentMode.PER_ENTRY, 2, officer)
    services.set_assignment(setup.stage, AssignmentMode.ALL, None, officer)

    assert _pairs(seats) == set()
    assert queries.assignment_plan(setup.stage).mode == AssignmentMode.ALL
    assert queries.progress(setup.stage)["jurors"][1]["assigned"] == 5  # six entries, one conflict


def test_a_replacement_inherits_the_assignment(declared):
    setup, officer, _entries, seats = declared
    services.set_assignment(setup.stage, AssignmentMode.PER_ENTRY, 2, officer)
    before = {e for s, e in _pairs(seats) if s == seats[2].id}

    new_seat = services.replace(seats[2], make_user(name="Ny jurymedlem"), "Sykdom", officer)

    assert {e for s, e in _pairs([new_seat]) if s == new_seat.id} == before
