"""Aggregation, ties, robustness and agreement against hand-computed numbers."""

import math

import pytest

from compete.jury import statistics as st

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the worked example with
# 4 observers, 12 units, values 1–5 and missing data. Published: alpha nominal 0.743, interval 0.849.
KRIPPENDORFF_2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def _as_mapping(table):
    return {coder: dict(enumerate(values, start=1)) for coder, values in table.items()}


def test_krippendorff_published_example():
    data = _as_mapping(KRIPPENDORFF_2011)
    assert round(st.krippendorff_alpha(data, "nominal"), 3) == 0.743
    assert round(st.krippendorff_alpha(data, "interval"), 3) == 0.849


def test_krippendorff_perfect_agreement_and_too_little_data():
    assert st.krippendorff_alpha({"a": {1: 3, 2: 5}, "b": {1: 3, 2: 5}}) == 1.0
    assert math.isnan(st.krippendorff_alpha({"a": {1: 3}, "b": {2: 5}}))


def _pairwise_alpha(data, metric):
    """Krippendorff's definition pair by pair (quadratic), to check the linear-time version."""
    units = {}
    for row in data.values():
        for unit, value in row.items():
            if value is not None:
                units.setdefault(unit, []).append(value)
    pairable = [vals for vals in units.values() if len(vals) >= 2]
    n = sum(len(vals) for vals in pairable)

    def delta(a, b):
        return (a - b) ** 2 if metric == "interval" else float(a != b)

    observed = sum(
        sum(delta(a, b) for i, a in enumerate(vals) for j, b in enumerate(vals) if i != j) / (len(vals) - 1)
        for vals in pairable
    )
    every = [v for vals in pairable for v in vals]
    expected = sum(delta(a, b) for i, a in enumerate(every) for j, b in enumerate(every) if i != j) / (n - 1)
    return 1 - observed / expected


@pytest.mark.parametrize("metric", ["interval", "nominal"])
def test_krippendorff_linear_matches_the_pairwise_definition(metric):
    """7 jurors × 60 entries with gaps and fractional totals, as the ranking page passes them."""
    import random

    rng = random.Random(11)
    data = {
        juror: {entry: (None if rng.random() < 0.2 else round(rng.uniform(0, 10), 2)) for entry in range(60)}
        for juror in range(7)
    }
    if metric == "nominal":
        data = {j: {e: (None if v is None else round(v / 3)) for e, v in row.items()} for j, row in data.items()}
    assert st.krippendorff_alpha(data, metric) == pytest.approx(_pairwise_alpha(data, metric), rel=1e-9)


def test_weighted_total():
    # 8×30 + 6×30 + 5×25 + 10×15 = 240 + 180 + 125 + 150 = 695 → 6.95
    assert st.weighted_total(
        {"rel": 8, "use": 6, "feas": 5, "team": 10}, {"rel": 30, "use": 30, "feas": 25, "team": 15}
    ) == pytest.approx(6.95)


# Three jurors, four entries; juror "c" has a conflict on entry "W" (missing cell).
TOTALS = {
    "a": {"W": 8.0, "X": 6.0, "Y": 4.0, "Z": 2.0},
    "b": {"W": 7.0, "X": 7.0, "Y": 5.0, "Z": 3.0},
    "c": {"W": None, "X": 9.0, "Y": 3.0, "Z": 6.0},
}


def test_mean_leaves_out_the_conflicted_cell():
    # W: (8+7)/2 = 7.5; X: (6+7+9)/3 = 7.333…; Y: (4+5+3)/3 = 4; Z: (2+3+6)/3 = 3.666…
    result = st.aggregate(TOTALS, "mean")
    assert result == pytest.approx({"W": 7.5, "X": 22 / 3, "Y": 4.0, "Z": 11 / 3})


def test_median():
    assert st.aggregate(TOTALS, "median") == pytest.approx({"W": 7.5, "X": 7.0, "Y": 4.0, "Z": 3.0})


def test_normalised_rescales_each_juror():
    # Juror b: values 7,7,5,3 → mean 5.5, population sd = sqrt(((1.5²·2)+0.5²+2.5²)/4) = sqrt(2.75)
    sd_b = math.sqrt(2.75)
    normalised = st.normalise(TOTALS, (0, 10))
    assert normalised["b"]["W"] == pytest.approx(5 + (7 - 5.5) / sd_b * (10 / 6))
    assert normalised["c"]["W"] is None
    # A juror who gives everything the same score lands on the midpoint.
    assert st.normalise({"j": {"A": 4.0, "B": 4.0}}, (0, 10)) == {"j": {"A": 5.0, "B": 5.0}}


def test_rank_orders_and_breaks_ties_by_rule():
    ranking = st.rank({"A": 7.0, "B": 8.0, "C": 7.0}, tie_break={"A": 6, "C": 9})
    assert [(r.entry, r.rank, r.tied_with) for r in ranking] == [("B", 1, ()), ("C", 2, ()), ("A", 3, ())]


def test_rank_shows_unbroken_ties():
    ranking = st.rank({"A": 7.0, "B": 8.0, "C": 7.0})
    assert [(r.entry, r.rank, r.tied_with) for r in ranking] == [("B", 1, ()), ("A", 2, ("C",)), ("C", 2, ("A",))]


def test_robustness_flags_a_juror_who_changes_the_top_two():
    result = st.robustness(TOTALS, 2)
    assert result.baseline == {"W", "X"}
    # Without juror a: W 7 (b only), X 8, Y 4, Z 4.5 → top two still W, X.
    assert result.leave_one_out["a"] == (frozenset({"W", "X"}), True)
    assert result.by_method["median"] == (frozenset({"W", "X"}), True)
    assert result.spread["Z"] == (2.0, 6.0)
    assert result.spread["W"] == (7.0, 8.0)


def test_robustness_detects_instability():
    totals = {
        "a": {"P": 9.0, "Q": 5.0, "R": 4.9},
        "b": {"P": 8.0, "Q": 5.0, "R": 5.2},
        "c": {"P": 8.0, "Q": 5.0, "R": 5.0},
    }
    # Mean: P 8.33, R 5.033, Q 5.0 → top 2 {P, R}. Leaving out b: R 4.95 < Q 5.0 → {P, Q}.
    result = st.robustness(totals, 2)
    assert result.baseline == {"P", "R"}
    assert result.leave_one_out["b"] == (frozenset({"P", "Q"}), False)
    assert result.stable is False


def _robustness_by_ranking(totals, n, method="mean", scale=(0, 10), tie_break=None):
    """The definition robustness() follows: rank every variant in full and take its top n."""

    def chosen(rows, how):
        return frozenset(st.top(st.rank(st.aggregate(rows, how, scale), tie_break), n))

    baseline = chosen(totals, method)
    by_method = {m: (c, c == baseline) for m in st.METHODS for c in [chosen(totals, m)]}
    leave_one_out = {
        j: (c, c == baseline) for j in totals for c in [chosen({k: r for k, r in totals.items() if k != j}, method)]
    }
    spread = {}
    for entry in st.entries_of(totals):
        cells = [row[entry] for row in totals.values() if row.get(entry) is not None]
        spread[entry] = (min(cells), max(cells)) if cells else (None, None)
    return baseline, by_method, leave_one_out, spread


@pytest.mark.parametrize("method", st.METHODS)
@pytest.mark.parametrize("seed", range(30))
def test_robustness_matches_ranking_every_variant(method, seed):
    import random

    rng = random.Random(seed)
    jurors, entries = rng.randint(1, 6), rng.randint(1, 25)
    totals = {}
    for j in range(jurors):
        row = {}
        for e in rng.sample(range(entries), rng.randint(0, entries)):
            # coarse values make many ties; some cells are None (scored by nobody / conflicted)
            row[f"e{e}"] = None if rng.random() < 0.1 else rng.randint(0, 4) * 2.5
        totals[f"j{j}"] = row
    tie_break = {f"e{e}": rng.randint(0, 2) for e in range(entries) if rng.random() < 0.5}
    n = rng.randint(1, entries + 2)
    result = st.robustness(totals, n, method, (0, 10), tie_break=tie_break)
    baseline, by_method, leave_one_out, spread = _robustness_by_ranking(totals, n, method, (0, 10), tie_break)
    assert result.baseline == baseline
    assert result.by_method == by_method
    assert result.leave_one_out == leave_one_out
    assert result.spread == spread
