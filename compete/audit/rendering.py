"""The protocol as people read it (HTML page and PDF): the JSON structure turned into cells.

Generic for every section: rows are lists of dicts; a section whose rows are few and flat becomes
one table, otherwise each row becomes its own key/value table. Nested lists of dicts become
nested tables, nested lists of values a list, nested dicts a key/value table. Times (ISO 8601 UTC
strings) are shown in Europe/Oslo, amounts of kroner as "50 000 kr" (see compete/audit/protocol.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask_babel import gettext as _

from compete.audit.protocol import is_money_key, label, value_label
from compete.core.formatting import format_datetime, format_nok, format_orgnr

ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_TABLE_COLUMNS = 9


@dataclass
class Cell:
    """kind: text, code, table, fields (key/value pairs), list."""

    kind: str
    text: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    items: list = field(default_factory=list)


@dataclass
class DisplaySection:
    key: str
    title: str
    layout: str  # table, records, empty
    table: Cell | None = None
    records: list[Cell] = field(default_factory=list)
    count: int = 0


def parse_iso(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def cell(value, key: str = "", locale: str | None = "nb") -> Cell:
    if value is None or value == "" or value == []:
        return Cell("text", "–")
    if isinstance(value, bool):
        return Cell("text", _("Yes") if value else _("No"))
    if isinstance(value, int):
        return Cell("text", format_nok(value, locale) if is_money_key(key) else str(value))
    if isinstance(value, str):
        if ISO_UTC.match(value):
            return Cell("text", format_datetime(parse_iso(value), locale))
        if key == "orgnr":
            return Cell("text", format_orgnr(value))
        if SHA256.match(value):
            return Cell("code", value)
        return Cell("text", value_label(key, value))
    if isinstance(value, dict):
        return Cell("fields", items=[(label(k), cell(v, k, locale)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        if all(isinstance(v, dict) for v in value):
            if _flat(list(value)):
                return table(list(value), locale)
            return Cell("list", items=[cell(v, key, locale) for v in value])
        return Cell("list", items=[cell(v, key, locale) for v in value])
    return Cell("text", str(value))


def _columns(rows: list[dict]) -> list[str]:
    columns: list[str] = []
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    return columns


def table(rows: list[dict], locale: str | None = "nb") -> Cell:
    columns = _columns(rows)
    return Cell(
        "table",
        columns=[label(c) for c in columns],
        rows=[[cell(row.get(c), c, locale) for c in columns] for row in rows],
    )


def _flat(rows: list[dict]) -> bool:
    return len(_columns(rows)) <= MAX_TABLE_COLUMNS and all(
        not isinstance(v, dict) and not (isinstance(v, list) and v and isinstance(v[0], dict))
        for row in rows
        for v in row.values()
    )


def display(built: dict, locale: str | None = "nb") -> list[DisplaySection]:
    sections = []
    for s in built["sections"]:
        rows = s["rows"]
        if not rows:
            sections.append(DisplaySection(s["key"], s["title"], "empty"))
        elif _flat(rows):
            sections.append(DisplaySection(s["key"], s["title"], "table", table=table(rows, locale), count=len(rows)))
        else:
            records = [cell(row, "", locale) for row in rows]
            sections.append(DisplaySection(s["key"], s["title"], "records", records=records, count=len(rows)))
    return sections
