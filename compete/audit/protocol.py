"""The procurement protocol (R42): one section per kind of record, generated from the records.

Each domain contributes its sections in `compete/<domain>/protocol.py`:

    from compete.audit.protocol import section

    @section("decisions", _l("Decisions"), order=70)
    def decisions(competition) -> list[dict]:
        return [{"stage": 1, "decided_at": iso(d.decided_at), "amount": 50000}, ...]

A provider returns plain rows (JSON-ready: strings, integers, booleans, None, lists and dicts);
times as ISO 8601 UTC through `iso()`, money as integers. `build(competition)` collects every
registered section in order; the JSON and PDF views render that one structure.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from compete.core.time import now


@dataclass(frozen=True)
class Section:
    key: str
    title: object  # lazy string
    order: int
    provider: Callable[[object], list[dict]]


_SECTIONS: dict[str, Section] = {}


def section(key: str, title, order: int):
    """Register a provider of one protocol section (idempotent per key)."""

    def decorate(provider):
        _SECTIONS[key] = Section(key, title, order, provider)
        return provider

    return decorate


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, to the second: "2026-03-15T11:00:00Z"."""
    if value is None:
        return None
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


def build(competition) -> dict:
    """The whole protocol as one JSON-ready structure."""
    return {
        "competition": {"slug": competition.slug, "title": competition.title},
        "generated_at": iso(now()),
        "sections": [{"key": s.key, "title": str(s.title), "rows": s.provider(competition)} for s in sections()],
    }
