"""Server-rendered, accessible SVG bar charts (no JavaScript): a <title> and <desc>, every bar
labelled with its number, the same numbers in a table next to the chart (the page's job)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

# Designsystemet-like colours with at least 3:1 contrast against white (WCAG 1.4.11).
COLOURS = ("#0062ba", "#9b2c6f", "#1e7b4b", "#a35200")
_ids = itertools.count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[Decimal | int, ...]  # one per series, stacked left to right
    text: str  # the number(s) written after the bar


def bar_chart(title: str, description: str, bars: list[Bar], series: list[str], *, width: int = 640) -> Markup:
    """Horizontal (stacked) bars scaled to the largest total."""
    n = next(_ids)
    label_width, text_width, row, top = 190, 150, 30, 8 + (22 if len(series) > 1 else 0)
    plot = width - label_width - text_width
    largest = max((sum(Decimal(v or 0) for v in bar.values) for bar in bars), default=Decimal(0)) or Decimal(1)
    height = top + row * max(len(bars), 1) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="chart{n}-title chart{n}-desc">',
        f'<title id="chart{n}-title">{escape(title)}</title>',
        f'<desc id="chart{n}-desc">{escape(description)}</desc>',
    ]
    if len(series) > 1:
        x = label_width
        for index, name in enumerate(series):
            colour = COLOURS[index % len(COLOURS)]
            parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
            parts.append(f'<text x="{x + 16}" y="16" font-size="12" fill="#1e1e1e">{escape(name)}</text>')
            x += 16 + 8 * len(name) + 24
    for i, bar in enumerate(bars):
        y = top + i * row
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 18}" font-size="13" text-anchor="end" fill="#1e1e1e">'
            f"{escape(bar.label)}</text>"
        )
        x = Decimal(label_width)
        for index, value in enumerate(bar.values):
            w = (Decimal(value or 0) / largest * plot).quantize(Decimal("0.1"))
            if w > 0:
                colour = COLOURS[index % len(COLOURS)]
                parts.append(f'<rect x="{x}" y="{y + 4}" width="{w}" height="20" fill="{colour}"/>')
            x += w
        parts.append(f'<text x="{x + 6}" y="{y + 18}" font-size="13" fill="#1e1e1e">{escape(bar.text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through escape()
