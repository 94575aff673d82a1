"""Sharing entries among jurors: N per entry, balanced load, never a conflicted juror."""

import pytest

from compete.jury.balancing import balance


def _check(result, per_entry, conflicts):
    for entry, jurors in result.assigned.items():
        assert len(set(jurors)) == len(jurors)
        assert not any((j, entry) in conflicts for j in jurors)
        if entry not in result.short:
            assert len(jurors) == per_entry
    counted = {}
    for jurors in result.assigned.values():
        for j in jurors:
            counted[j] = counted.get(j, 0) + 1
    assert {j: counted.get(j, 0) for j in result.load} == result.load


@pytest.mark.parametrize(
    ("jurors", "entries", "per_entry"), [(5, 12, 2), (7, 20, 3), (4, 4, 4), (3, 10, 1), (6, 7, 5), (9, 100, 3)]
)
def test_without_conflicts_loads_differ_by_at_most_one(jurors, entries, per_entry):
    result = balance(list(range(jurors)), [f"E{i}" for i in range(entries)], per_entry, seed=7)

    _check(result, per_entry, set())
    assert result.spread <= 1
    assert sum(result.load.values()) == entries * per_entry
    assert result.short == {}


def test_conflicts_are_respected_and_load_stays_balanced():
    jurors = ["A", "B", "C", "D", "E"]
    entries = [f"E{i}" for i in range(10)]
    conflicts = {("A", "E0"), ("A", "E1"), ("B", "E0"), ("C", "E5"), ("D", "E9"), ("E", "E9")}

    result = balance(jurors, entries, 2, conflicts, seed=3)

    _check(result, 2, conflicts)
    assert result.spread <= 1
    assert sorted(result.load.values()) == [4, 4, 4, 4, 4]


def test_the_greedy_order_is_repaired_by_moving_entries_along_a_chain():
    # A may score only E0 and E1; greedy by itself can leave A with too little and others with too much.
    jurors = ["A", "B", "C"]
    entries = ["E0", "E1", "E2", "E3", "E4", "E5"]
    conflicts = {("A", e) for e in entries[2:]}

    result = balance(jurors, entries, 1, conflicts, seed=1)

    _check(result, 1, conflicts)
    assert result.load == {"A": 2, "B": 2, "C": 2}


def test_imbalance_only_where_conflicts_force_it():
    # A has a conflict with every entry but one: the others share the rest evenly.
    jurors = ["A", "B", "C"]
    entries = [f"E{i}" for i in range(7)]
    conflicts = {("A", e) for e in entries if e != "E0"}

    result = balance(jurors, entries, 1, conflicts, seed=5)

    _check(result, 1, conflicts)
    assert result.load["A"] == 1
    assert sorted([result.load["B"], result.load["C"]]) == [3, 3]


def test_an_entry_that_cannot_get_enough_jurors_is_reported():
    result = balance(["A", "B", "C"], ["E0", "E1"], 2, {("A", "E1"), ("B", "E1")}, seed=0)

    assert result.assigned["E1"] == ("C",)
    assert result.short == {"E1": 1}
    assert len(result.assigned["E0"]) == 2


def test_the_same_seed_gives_the_same_assignment():
    args = (list("ABCDEFG"), [f"E{i}" for i in range(30)], 3, {("A", "E3"), ("G", "E7")})
    assert balance(*args, seed=11) == balance(*args, seed=11)


def test_per_entry_below_one_is_an_error():
    with pytest.raises(ValueError):
        balance(["A"], ["E0"], 0)
