"""`flask audit verify [--against SEAL]` and `flask audit seal` (R41)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from compete.extensions import db


@click.group(help="The audit trail.")
def audit():
    pass


def _sealed_heads(values: tuple[str, ...]):
    from compete.audit.seals import read_seal

    sealed = []
    for value in values:
        path = Path(value)
        text = path.read_text(encoding="utf-8") if ":" not in value and path.is_file() else value
        try:
            sealed += read_seal(text)
        except (ValueError, KeyError, TypeError) as exc:
            raise click.BadParameter(str(exc), param_hint="--against") from exc
    return sealed


@audit.command("verify", help="Check every hash chain; exit 1 naming the first bad entry.")
@click.option(
    "--against",
    multiple=True,
    metavar="SEAL",
    help="A sealed head (chain:seq:hash, from the protocol PDF or the seal e-mail) or a seal file; repeatable.",
)
@with_appcontext
def audit_verify(against: tuple[str, ...]):
    from compete.audit.services import verify_chain

    sealed = _sealed_heads(against)
    result = verify_chain(against=sealed)
    if result.ok:
        suffix = f", {len(sealed)} sealed heads found" if sealed else ""
        click.echo(f"audit trail intact: {result.checked} entries{suffix}")
        return
    click.echo(
        f"audit trail broken at entry {result.bad_seq} of chain {result.chain}: {result.reason}"
        f" ({result.checked} entries verified before it)"
    )
    sys.exit(1)


@audit.command("seal", help="Publish every chain's head: a new object in storage, e-mail to officers (run daily).")
@with_appcontext
def audit_seal():
    from compete.audit.seals import daily_seal

    key, sealed, mailed = daily_seal()
    db.session.commit()
    click.echo(f"sealed {len(sealed)} chains in {key}; {mailed} e-mails queued")
    for head in sealed:
        click.echo(head.token())
