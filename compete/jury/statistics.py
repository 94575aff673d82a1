"""Aggregation, tie-breaking, robustness and agreement for a jury's scores. Pure functions.

Scores arrive as a mapping juror -> entry -> weighted total (None or absent when the juror did
not score the entry, e.g. because of a conflict, R22). Totals are on the stage's scale.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Totals = Mapping[object, Mapping[object, float | None]]  # juror -> entry -> total

METHODS = ("mean", "median", "normalised")


def weighted_total(scores: Mapping[object, float], weights: Mapping[object, int]) -> float:
    """Σ score × weight / 100 over the criteria (weights are whole percent summing to 100)."""
    return sum(scores[criterion] * weights[criterion] for criterion in weights) / 100


def _cells(totals: Totals, entry) -> list[float]:
    return [row[entry] for row in totals.values() if row.get(entry) is not None]


def entries_of(totals: Totals) -> list:
    seen: dict = {}
    for row in totals.values():
        for entry in row:
            seen.setdefault(entry, None)
    return list(seen)


def normalise(totals: Totals, scale: tuple[float, float]) -> dict:
    """Per-juror z-scores rescaled to the original scale: a juror's mean maps to the scale's
    midpoint and one of their standard deviations to a sixth of the scale's width."""
    low, high = scale
    mid, unit = (low + high) / 2, (high - low) / 6
    result: dict = {}
    for juror, row in totals.items():
        values = [v for v in row.values() if v is not None]
        mean = statistics.fmean(values) if values else 0.0
        spread = statistics.pstdev(values) if len(values) > 1 else 0.0
        result[juror] = {
            entry: (None if v is None else mid + ((v - mean) / spread * unit if spread else 0.0))
            for entry, v in row.items()
        }
    return result


def aggregate(
    totals: Totals, method: str = "mean", scale: tuple[float, float] = (0, 10), entries: Iterable | None = None
) -> dict:
    """Entry -> aggregated total by `method`; entries nobody could score get None. `entries` lists
    every entry to rank, so that one without any score still appears."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    source = normalise(totals, scale) if method == "normalised" else totals
    result = {}
    for entry in dict.fromkeys([*(entries or ()), *entries_of(totals)]):
        cells = _cells(source, entry)
        if not cells:
            result[entry] = None
        elif method == "median":
            result[entry] = statistics.median(cells)
        else:
            result[entry] = statistics.fmean(cells)
    return result


@dataclass(frozen=True)
class Ranked:
    entry: object
    total: float | None
    rank: int
    tied_with: tuple = ()  # entries with the same total that the rule could not separate
    broken_tie_with: tuple = ()  # entries with the same total that the rule put in order


def rank(aggregated: Mapping, tie_break: Mapping | None = None, *, precision: int = 9) -> list[Ranked]:
    """Order entries by total (highest first). Equal totals are ordered by `tie_break`
    (entry -> comparable, higher wins, e.g. the score on the first criterion); when that is
    equal too, the entries share a rank and are listed as tied. Entries the rule separated
    list each other in `broken_tie_with`, so that the tie is still shown."""
    tie_break = tie_break or {}

    def key(entry):
        total = aggregated[entry]
        return (total is None, -(round(total, precision) if total is not None else 0), -tie_break.get(entry, 0))

    keyed = {entry: key(entry) for entry in aggregated}
    ordered = sorted(aggregated, key=keyed.__getitem__)
    groups: dict[tuple, list] = {}
    equal_total: dict[tuple, list] = {}
    for entry in ordered:
        groups.setdefault(keyed[entry], []).append(entry)
        if aggregated[entry] is not None:
            equal_total.setdefault(keyed[entry][:2], []).append(entry)
    result: list[Ranked] = []
    position = 1
    for group_key, members in groups.items():  # insertion order follows `ordered`
        # Every member of a group shares its total, so the entries the rule separated from it are
        # the same for all of them: computed once per group, not once per entry.
        inside = set(members)
        broken = tuple(o for o in equal_total.get(group_key[:2], ()) if o not in inside)
        for entry in members:
            same = tuple(other for other in members if other != entry) if len(members) > 1 else ()
            result.append(Ranked(entry, aggregated[entry], position, same, broken))
        position += len(members)
    return result


def top(ranking: Iterable[Ranked], n: int) -> set:
    return {r.entry for r in ranking if r.rank <= n}


@dataclass(frozen=True)
class Robustness:
    top_n: int
    baseline: frozenset
    by_method: dict  # method -> (top set, same as baseline?)
    leave_one_out: dict  # juror -> (top set, same as baseline?)
    spread: dict  # entry -> (min, max) of the jurors' totals

    @property
    def stable(self) -> bool:
        return all(same for _, same in self.by_method.values()) and all(same for _, same in self.leave_one_out.values())


def _top_n(aggregated: Mapping, tie_break: Mapping | None, n: int, precision: int = 9) -> set:
    """top(rank(aggregated, tie_break), n) without building the ranking: the members of every group of
    equal (total, tie-break) whose first position is at most n."""
    tie_break = tie_break or {}
    keyed = {
        entry: (
            total is None,
            -(round(total, precision) if total is not None else 0),
            -tie_break.get(entry, 0),
        )
        for entry, total in aggregated.items()
    }
    chosen: set = set()
    previous = None
    for position, entry in enumerate(sorted(aggregated, key=keyed.__getitem__)):
        key = keyed[entry]
        if key != previous:
            if position >= n:
                break
            previous = key
        chosen.add(entry)
    return chosen


def _aggregate_cells(cells_by_entry: Mapping, method: str, left_out=None) -> dict:
    """aggregate() over cells already gathered per entry as (juror, value) in juror order, leaving
    out one juror's cells; entries that only that juror had a row for are dropped, as aggregate()
    over the remaining jurors' rows would."""
    result = {}
    for entry, (jurors, cells) in cells_by_entry.items():
        if left_out is not None:
            if jurors == (left_out,):
                continue
            cells = [value for juror, value in cells if juror != left_out]
        else:
            cells = [value for _, value in cells]
        if not cells:
            result[entry] = None
        elif method == "median":
            result[entry] = statistics.median(cells)
        else:
            result[entry] = statistics.fmean(cells)
    return result


def robustness(totals: Totals, n: int, method: str = "mean", scale=(0, 10), tie_break=None) -> Robustness:
    """Does the top `n` stay the same under every method and when any single juror is left out?

    The same results as ranking aggregate() of every variant, computed from the cells gathered once
    per entry (a juror's normalised totals do not depend on the other jurors, so normalising once
    serves every leave-one-out variant)."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")

    def gather(source: Totals) -> dict:
        # entry -> (jurors with a row for it, [(juror, value) for values that are not None])
        rows: dict = {}
        for juror, row in source.items():
            for entry, value in row.items():
                jurors, cells = rows.setdefault(entry, ([], []))
                jurors.append(juror)
                if value is not None:
                    cells.append((juror, value))
        return {entry: (tuple(jurors), cells) for entry, (jurors, cells) in rows.items()}

    raw = gather(totals)
    normalised = None

    def cells_for(chosen_method: str) -> dict:
        nonlocal normalised
        if chosen_method != "normalised":
            return raw
        if normalised is None:
            normalised = gather(normalise(totals, scale))
        return normalised

    source = cells_for(method)
    full = _aggregate_cells(source, method)
    baseline = frozenset(_top_n(full, tie_break, n))
    by_method = {}
    for other in METHODS:
        chosen = (
            baseline if other == method else frozenset(_top_n(_aggregate_cells(cells_for(other), other), tie_break, n))
        )
        by_method[other] = (chosen, chosen == baseline)
    # Leaving a juror out changes only the entries in their row: start from the full aggregate.
    leave_one_out = {}
    for juror, row in totals.items():
        without = dict(full)
        changed = {entry: source[entry] for entry in row}
        without.update(_aggregate_cells(changed, method, left_out=juror))
        for entry in row:
            if source[entry][0] == (juror,):
                del without[entry]
        chosen = frozenset(_top_n(without, tie_break, n))
        leave_one_out[juror] = (chosen, chosen == baseline)
    spread = {}
    for entry, (_jurors, cells) in raw.items():
        values = [value for _, value in cells]
        spread[entry] = (min(values), max(values)) if values else (None, None)
    return Robustness(n, baseline, by_method, leave_one_out, spread)


def krippendorff_alpha(data: Mapping[object, Mapping[object, float | None]], metric: str = "interval") -> float:
    """Krippendorff's alpha for units × coders with missing values (Krippendorff 2011).

    `data` maps coder -> unit -> value (None or absent = missing). Units with fewer than two
    values are not pairable and are left out. metric: "interval" or "nominal".
    """
    units: dict = {}
    for row in data.values():
        for unit, value in row.items():
            if value is not None:
                units.setdefault(unit, []).append(value)
    pairable = {u: vals for u, vals in units.items() if len(vals) >= 2}
    n = sum(len(vals) for vals in pairable.values())
    if n <= 1:
        return math.nan

    if metric not in ("interval", "nominal"):
        raise ValueError(f"unknown metric {metric!r}")

    def disagreement(values: list) -> float:
        """The sum of delta(a, b) over all ordered pairs i != j, in linear time: for the interval
        metric sum (a - b)² = 2(m·Σa² − (Σa)²); for the nominal one, m² − Σ count(c)²."""
        m = len(values)
        if metric == "interval":
            total = math.fsum(values)
            return max(0.0, 2 * (m * math.fsum(v * v for v in values) - total * total))
        counts: dict = {}
        for value in values:
            counts[value] = counts.get(value, 0) + 1
        return float(m * m - sum(c * c for c in counts.values()))

    observed = sum(disagreement(vals) / (len(vals) - 1) for vals in pairable.values()) / n
    every = [v for vals in pairable.values() for v in vals]
    expected = disagreement(every) / (n * (n - 1))
    if expected == 0:
        return 1.0
    return 1 - observed / expected
