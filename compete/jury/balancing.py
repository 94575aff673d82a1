"""Sharing entries among jurors: N jurors per entry, balanced load, never a conflicted juror. Pure.

The greedy pass gives each entry (the most constrained first) the N eligible jurors with the least
load so far. The repair pass then moves entries along chains of jurors (A gives an entry to B, B
gives another to C, …) from a juror with the highest load to one with a load at least two lower,
until no such chain exists: the loads then differ by at most one unless conflicts prevent it.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Balanced:
    assigned: dict  # entry -> tuple of jurors (in the order of `jurors`)
    load: dict  # juror -> number of entries
    short: dict  # entry -> how many eligible jurors it could get, when fewer than N

    @property
    def spread(self) -> int:
        return max(self.load.values()) - min(self.load.values()) if self.load else 0


def balance(
    jurors: Sequence[Hashable],
    entries: Sequence[Hashable],
    per_entry: int,
    conflicts: set[tuple[Hashable, Hashable]] = frozenset(),
    *,
    seed: int = 0,
) -> Balanced:
    """Assign `per_entry` jurors to every entry; `conflicts` holds (juror, entry) pairs that are never
    assigned. An entry with fewer eligible jurors gets all of them and is reported in `short`."""
    if per_entry < 1:
        raise ValueError("per_entry must be at least 1")
    rng = random.Random(seed)
    tie = {juror: rng.random() for juror in jurors}  # fair, reproducible tie-breaking
    eligible = {entry: [j for j in jurors if (j, entry) not in conflicts] for entry in entries}
    order = sorted(entries, key=lambda e: (len(eligible[e]), rng.random()))
    load = dict.fromkeys(jurors, 0)
    holds: dict = {juror: set() for juror in jurors}
    members: dict = {entry: set() for entry in entries}
    for entry in order:
        chosen = sorted(eligible[entry], key=lambda j: (load[j], tie[j]))[:per_entry]
        for juror in chosen:
            load[juror] += 1
            holds[juror].add(entry)
            members[entry].add(juror)
    while _shift_one(jurors, load, holds, members, conflicts):
        pass
    position = {juror: index for index, juror in enumerate(jurors)}
    return Balanced(
        assigned={entry: tuple(sorted(members[entry], key=position.__getitem__)) for entry in entries},
        load=load,
        short={entry: len(eligible[entry]) for entry in entries if len(eligible[entry]) < per_entry},
    )


def _shift_one(jurors, load, holds, members, conflicts) -> bool:
    """Find a chain from a most-loaded juror to a juror with a load at least two lower and move one
    entry along each link. Returns False when there is none."""
    if not jurors:
        return False
    highest = max(load.values())
    for start in sorted((j for j in jurors if load[j] == highest), key=str):
        previous: dict = {start: None}
        queue = deque([start])
        while queue:
            giver = queue.popleft()
            for entry in sorted(holds[giver], key=str):
                for taker in jurors:
                    if taker in previous or taker in members[entry] or (taker, entry) in conflicts:
                        continue
                    previous[taker] = (giver, entry)
                    if load[taker] <= highest - 2:
                        _apply(taker, previous, load, holds, members)
                        return True
                    queue.append(taker)
    return False


def _apply(end, previous, load, holds, members) -> None:
    taker = end
    while previous[taker] is not None:
        giver, entry = previous[taker]
        holds[giver].discard(entry)
        members[entry].discard(giver)
        holds[taker].add(entry)
        members[entry].add(taker)
        taker = giver
    load[end] += 1
    load[taker] -= 1
