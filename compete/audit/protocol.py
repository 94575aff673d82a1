"""The procurement protocol (R42): one section per kind of record, generated from the records.

Each domain contributes its sections in `compete/<domain>/protocol.py`:

    from compete.audit.protocol import iso, section

    @section("decisions", _l("Decisions"), order=70)
    def decisions(competition) -> list[dict]:
        return [{"stage": 1, "decided_at": iso(d.decided_at), "amount": 50000}, ...]

A provider returns plain rows (JSON-ready: strings, integers, booleans, None, lists and dicts);
times as ISO 8601 UTC through `iso()`, money as integers. A provider may return None to leave its
section out (e.g. "cancellation" while the competition runs); an empty list is kept and shown as
"no records". `build(competition)` collects every registered section in order; the JSON, HTML and
PDF views render that one structure.

How the HTML/PDF rendering reads rows (compete/audit/rendering.py):
- a string "YYYY-MM-DDTHH:MM:SSZ" is a time, shown in Europe/Oslo ("15.03.2026 kl. 12.00");
- an integer under a key naming money (a word such as amount, budget, price, payment, paid, cap,
  ceiling, total_nok; see `MONEY_WORDS`) is shown "50 000 kr";
- column headings come from `label(key)`; register readable, translated headings for your keys
  with `labels({"decided_at": _l("Decided"), ...})`, otherwise the key itself is shown; codes a
  key holds are shown through `value_labels("event", {"submitted": _l("Submitted")})`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from compete.core.time import now

# Key words (split on "_") that mark an integer as an amount of kroner in the rendered protocol.
MONEY_WORDS = frozenset(
    {
        "amount",
        "amounts",
        "budget",
        "price",
        "payment",
        "payments",
        "paid",
        "cap",
        "ceiling",
        "committed",
        "nok",
        "kroner",
    }
)


@dataclass(frozen=True)
class Section:
    key: str
    title: object  # lazy string
    order: int
    provider: Callable[[object], list[dict] | None]


_SECTIONS: dict[str, Section] = {}
_LABELS: dict[str, object] = {}
_VALUE_LABELS: dict[str, dict[str, object]] = {}


def section(key: str, title, order: int):
    """Register a provider of one protocol section (idempotent per key)."""

    def decorate(provider):
        _SECTIONS[key] = Section(key, title, order, provider)
        return provider

    return decorate


def labels(mapping: dict[str, object]) -> None:
    """Register readable (lazy, translated) column headings for row keys."""
    _LABELS.update(mapping)


def label(key: str) -> str:
    text = _LABELS.get(key)
    return str(text) if text is not None else key.replace("_", " ")


def value_labels(key: str, mapping: dict[str, object]) -> None:
    """Register readable (lazy, translated) texts for the codes a row key holds ("eligible", …)."""
    _VALUE_LABELS.setdefault(key, {}).update(mapping)


def value_label(key: str, value: str) -> str:
    text = _VALUE_LABELS.get(key, {}).get(value)
    return str(text) if text is not None else value


def is_money_key(key: str) -> bool:
    return bool(MONEY_WORDS & set(str(key).lower().split("_")))


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, to the second: "2026-03-15T11:00:00Z"."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def load_providers() -> None:
    """Import every domain's `protocol` module so that its sections are registered."""
    from compete import DOMAINS

    for domain in DOMAINS:
        try:
            importlib.import_module(f"compete.{domain}.protocol")
        except ModuleNotFoundError as exc:
            if exc.name != f"compete.{domain}.protocol":
                raise


def sections() -> list[Section]:
    load_providers()
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def sections_by_key() -> dict[str, Section]:
    return {s.key: s for s in sections()}


def build(competition) -> dict:
    """The whole protocol as one JSON-ready structure."""
    built = []
    for s in sections():
        rows = s.provider(competition)
        if rows is not None:
            built.append({"key": s.key, "title": str(s.title), "rows": rows})
    return {
        "competition": {"slug": competition.slug, "title": competition.title},
        "generated_at": iso(now()),
        "sections": built,
    }
