"""Per-juror score distributions as geometry for a server-rendered SVG (no JavaScript). Pure.

Each juror gets a row: every weighted total they gave as a dot, a box from the lower to the upper
quartile with the median, whiskers from the lowest to the highest total, and the mean as a mark.
The same numbers feed the data table that is the chart's text alternative.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass

WIDTH, LEFT, RIGHT, TOP, ROW, AXIS = 640, 180, 24, 16, 40, 36


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    low: float
    q1: float
    median: float
    q3: float
    high: float
    mean: float
    y: float
    dots: tuple[float, ...]  # x positions
    x_low: float
    x_q1: float
    x_median: float
    x_q3: float
    x_high: float
    x_mean: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right_edge: int
    axis_y: float
    rows: tuple[Row, ...]
    ticks: tuple[tuple[float, int], ...]  # (x, value)


def _quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, median, q3


def distributions(totals: Mapping, labels: Mapping, scale: tuple[float, float]) -> Chart | None:
    """`totals` maps juror -> entry -> weighted total; `labels` juror -> name. None without scores."""
    low, high = scale
    span = (high - low) or 1
    plot = WIDTH - LEFT - RIGHT

    def x(value: float) -> float:
        return round(LEFT + (value - low) / span * plot, 1)

    rows = []
    for juror, row in totals.items():
        values = sorted(v for v in row.values() if v is not None)
        if not values:
            continue
        q1, median, q3 = _quartiles(values)
        mean = statistics.fmean(values)
        y = TOP + len(rows) * ROW + ROW / 2
        rows.append(
            Row(
                label=str(labels.get(juror, juror)),
                count=len(values),
                low=values[0],
                q1=q1,
                median=median,
                q3=q3,
                high=values[-1],
                mean=mean,
                y=y,
                dots=tuple(x(v) for v in values),
                x_low=x(values[0]),
                x_q1=x(q1),
                x_median=x(median),
                x_q3=x(q3),
                x_high=x(values[-1]),
                x_mean=x(mean),
            )
        )
    if not rows:
        return None
    axis_y = TOP + len(rows) * ROW + 4
    step = 1 if span <= 10 else max(1, round(span / 10))
    ticks = tuple((x(v), v) for v in range(int(low), int(high) + 1, step))
    return Chart(WIDTH, int(axis_y + AXIS), LEFT, WIDTH - RIGHT, axis_y, tuple(rows), ticks)
