"""What is stored against what the database refers to: objects without rows and rows without objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from compete.extensions import db
from compete.storage.backends import Storage, StoredObject
from compete.storage.lifecycle import key_columns

# Audit seals (compete/audit/seals.py) are write-once objects with no row, on purpose (R41).
SEAL_PREFIX = "audit-seals/"


@dataclass
class Inventory:
    objects: int = 0
    rows: int = 0
    orphans: list[StoredObject] = field(default_factory=list)  # objects no row refers to
    missing: list[tuple[str, str]] = field(default_factory=list)  # (table.column, key) without an object

    @property
    def clean(self) -> bool:
        return not self.orphans and not self.missing


def referenced_keys() -> dict[str, str]:
    """Every key a row refers to, with the first column that refers to it ("attachments.storage_key")."""
    keys: dict[str, str] = {}
    for column in key_columns():
        for key in db.session.scalars(select(column).where(column.is_not(None)).distinct()):
            keys.setdefault(key, f"{column.table.name}.{column.name}")
    return keys


def take_inventory(storage: Storage) -> Inventory:
    """Compare one listing of the storage with one query per key column."""
    referenced = referenced_keys()
    # Audit seals are write-once records of their own, kept outside the database on purpose (R41).
    objects = [obj for obj in storage.list() if not obj.key.startswith(SEAL_PREFIX)]
    stored = {obj.key for obj in objects}
    return Inventory(
        objects=len(objects),
        rows=len(referenced),
        orphans=[obj for obj in objects if obj.key not in referenced],
        missing=sorted((where, key) for key, where in referenced.items() if key not in stored),
    )


def remove_orphans(storage: Storage, inventory: Inventory, *, now: datetime, min_age: timedelta) -> list[str]:
    """Delete the orphans older than `min_age` (younger ones may belong to an upload not yet committed)."""
    removed = []
    for obj in inventory.orphans:
        if now - obj.modified >= min_age:
            storage.delete(obj.key)
            removed.append(obj.key)
    return removed
