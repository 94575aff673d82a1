"""`flask storage check`: objects without rows and rows without objects, on local disk or S3."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

import click
from flask.cli import with_appcontext

from compete.storage import inventory as inv
from compete.storage.backends import StorageError, get_storage


@click.group(help="Stored files (local disk or S3).")
def storage():
    pass


@storage.command("check", help="List stored objects no row refers to, and rows whose object is missing.")
@click.option("--remove-orphans", is_flag=True, help="Delete the objects no row refers to.")
@click.option(
    "--min-age-hours",
    default=24,
    show_default=True,
    help="With --remove-orphans, keep orphans younger than this (an upload may still be committing).",
)
@with_appcontext
def storage_check(remove_orphans: bool, min_age_hours: int):
    store = get_storage()
    try:
        inventory = inv.take_inventory(store)
    except StorageError as exc:
        click.echo(f"storage unavailable: {exc}", err=True)
        sys.exit(2)
    click.echo(f"{inventory.objects} objects, {inventory.rows} keys referenced by rows")
    for obj in inventory.orphans:
        click.echo(f"object without row: {obj.key} ({obj.size} bytes, {obj.modified:%Y-%m-%dT%H:%M:%SZ})")
    for where, key in inventory.missing:
        click.echo(f"row without object: {where} = {key}")
    if remove_orphans and inventory.orphans:
        # Objects' times are the storage's wall clock, not the application's (testable) clock.
        removed = inv.remove_orphans(store, inventory, now=datetime.now(UTC), min_age=timedelta(hours=min_age_hours))
        click.echo(f"removed {len(removed)} of {len(inventory.orphans)} objects without rows")
        inventory.orphans = [obj for obj in inventory.orphans if obj.key not in set(removed)]
    if inventory.clean:
        click.echo("ok")
        return
    sys.exit(1)
