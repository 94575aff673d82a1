"""Stored objects follow the database transaction that refers to them.

A service saves a new object with `save_new` and marks an object it no longer needs with
`delete_when_unreferenced`. After the commit, marked objects that no row refers to are deleted; after a
rollback, the objects saved in the transaction are deleted and the marks are dropped, so a rolled-back
request never deletes a file a row still needs, and never leaves a file no row needs.

Which columns hold storage keys is read from the models: a column declared with
`info={"storage_key": True}` (see `key_columns`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import BinaryIO

from flask import has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from compete.extensions import db
from compete.storage.backends import StorageError, get_storage

log = logging.getLogger(__name__)
_CREATED = "compete_storage_created"
_UNNEEDED = "compete_storage_unneeded"


def key_columns() -> list:
    """Every column of every table that holds a storage key."""
    return [column for table in db.metadata.sorted_tables for column in table.columns if column.info.get("storage_key")]


def referenced(session: Session, keys: Iterable[str]) -> set[str]:
    """The keys among `keys` that some row still refers to (one query per key column)."""
    keys = {k for k in keys if k}
    if not keys:
        return set()
    found: set[str] = set()
    for column in key_columns():
        found |= set(session.scalars(select(column).where(column.in_(keys))))
    return found


def save_new(key: str, stream: BinaryIO, content_type: str) -> int:
    """Save an object that belongs to the current transaction: it is deleted again if the transaction
    rolls back. Raises StorageError."""
    size = get_storage().save(key, stream, content_type)
    db.session.info.setdefault(_CREATED, []).append(key)
    return size


def copy_new(source: str, key: str, content_type: str) -> str:
    """Copy a stored object to a new key that belongs to the current transaction (deleted again on
    rollback), inside the storage: no bytes pass through the app. Returns the copy's ETag. Raises
    StorageError."""
    etag = get_storage().copy(source, key, content_type)
    db.session.info.setdefault(_CREATED, []).append(key)
    return etag


def discard(keys: Iterable[str]) -> None:
    """Delete at once objects that no row refers to and none will (e.g. a refused direct upload)."""
    _delete_quietly([k for k in keys if k])


def discard_new(key: str) -> None:
    """Delete at once an object saved in this transaction that no row will refer to."""
    created = db.session.info.get(_CREATED, [])
    if key in created:
        created.remove(key)
    _delete_quietly([key])


def abandon() -> None:
    """The request gives up before its transaction could end it (an error before any statement
    ran, so there is nothing to roll back): delete the objects it saved for a commit that will not
    come. After a commit or a rollback there are none left to delete."""
    _delete_quietly(db.session.info.pop(_CREATED, []))


def delete_when_unreferenced(keys: Iterable[str]) -> None:
    """After the commit, delete those of `keys` that no row refers to any more."""
    db.session.info.setdefault(_UNNEEDED, set()).update(k for k in keys if k)


def _delete_quietly(keys: Iterable[str]) -> None:
    if not has_app_context():
        return
    storage = get_storage()
    for key in keys:
        try:
            storage.delete(key)
        except (StorageError, ValueError):
            log.warning("storage: could not delete %s; `flask storage check` will list it", key)


_DOOMED = "compete_storage_doomed"


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    unneeded = session.info.pop(_UNNEEDED, set())
    if not unneeded:
        return
    session.flush()
    session.info[_DOOMED] = sorted(unneeded - referenced(session, unneeded))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_CREATED, None)
    _delete_quietly(session.info.pop(_DOOMED, []))


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is not None:
        return  # a savepoint inside the request; the outer transaction decides
    created = session.info.pop(_CREATED, [])
    session.info.pop(_UNNEEDED, None)
    session.info.pop(_DOOMED, None)
    _delete_quietly(created)
